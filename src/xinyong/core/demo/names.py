"""Word lists the demo generator combines into plausible, synthetic Chinese names.

Every name is a combination drawn from these lists (place prefix + trade name + industry +
organisational form, surname + given name, …); none is copied from a register. A generated
name may still coincide with a real one by chance: the demo documentation says so, and the
codes beside the names are synthetic (see ``xinyong.core.demo.plan``).
"""

from __future__ import annotations

from typing import Final

#: First and second characters of two-character trade names (字号).
TRADE_FIRST: Final = tuple(
    "华创恒瑞鑫博嘉锦泰德兴盛宏新源达永信安康明远金天海云志聚合优智卓致弘鼎晟汇冠"
    "凯润丰祥益和正升宇通诚立嘉启铭佳承禾翔岚澜沐"
)
TRADE_SECOND: Final = tuple(
    "科隆昌达泰辉峰诚源晨程森越帆航图川远邦宸道杰信合力联胜拓腾格美韵湃阳悦捷朗睿瀚逸尚璟颐朴衡策维"
)

#: Industry words (行业表述) of enterprise names.
INDUSTRIES: Final = (
    "科技",
    "信息技术",
    "网络科技",
    "电子商务",
    "贸易",
    "实业",
    "建筑工程",
    "装饰工程",
    "餐饮管理",
    "物业管理",
    "环保科技",
    "生物科技",
    "医药",
    "食品",
    "服饰",
    "机械设备",
    "新材料",
    "物流",
    "供应链管理",
    "文化传媒",
    "广告",
    "教育科技",
    "农业开发",
    "汽车服务",
    "人力资源",
    "化工",
    "电气",
    "纺织",
    "智能科技",
    "软件",
    "数据科技",
    "工程咨询",
    "园林绿化",
    "旅游开发",
    "家居",
    "印刷",
    "投资管理",
    "酒店管理",
    "健康管理",
    "电子",
)

#: Organisational forms (组织形式) with their weights.
ENTERPRISE_FORMS: Final = (("有限公司", 80), ("有限责任公司", 12), ("股份有限公司", 8))

#: Business words of individual businesses (个体工商户), e.g. 张记 + 小吃店.
SHOPS: Final = (
    "小吃店",
    "面馆",
    "便利店",
    "水果店",
    "五金店",
    "理发店",
    "服装店",
    "汽车修理部",
    "副食品店",
    "早餐店",
    "烟酒店",
    "超市",
    "花店",
    "茶叶店",
    "干洗店",
    "家电维修部",
    "文具店",
    "美容店",
    "快餐店",
    "粮油店",
    "餐馆",
    "鞋店",
    "眼镜店",
    "建材经营部",
    "日用品商店",
)

#: Products of farmers' specialised cooperatives (农民专业合作社).
COOPERATIVE_PRODUCTS: Final = (
    "茶叶",
    "蔬菜",
    "水果",
    "竹笋",
    "蜂业",
    "水稻",
    "生猪养殖",
    "苗木",
    "山核桃",
    "食用菌",
    "中药材",
    "渔业",
    "葡萄",
    "杨梅",
    "农机服务",
    "家禽养殖",
)

#: Social organisations (社会团体): a field and the forms that suit it.
ASSOCIATIONS: Final = (
    (
        ("餐饮行业", "软件行业", "物流行业", "电子商务", "建筑业", "家具行业", "旅游饭店",
         "服装行业", "物业管理", "科技企业"),
        ("协会", "商会", "促进会", "联合会"),
    ),
    (
        ("摄影", "书法", "围棋", "茶文化", "志愿者", "青年创业", "老年体育"),
        ("协会", "研究会", "联合会"),
    ),
)  # fmt: skip

#: Private non-enterprise units (民办非企业单位): trade name + one of these.
NON_ENTERPRISE_FORMS: Final = (
    "培训学校",
    "养老服务中心",
    "社会工作服务中心",
    "幼儿园",
    "康复中心",
    "艺术培训中心",
    "心理咨询服务中心",
)

#: Public institutions (事业单位): trade name + one of these, under a district.
PUBLIC_INSTITUTION_FORMS: Final = (
    "小学",
    "中学",
    "幼儿园",
    "社区卫生服务中心",
    "文化站",
    "农业技术推广站",
    "图书馆分馆",
    "水利管理站",
)

#: Common surnames (百家姓), most frequent first.
SURNAMES: Final = tuple(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
    "于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江"
    "尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)

#: Characters of given names (名).
GIVEN: Final = tuple(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文斌辉玉兰萍红梅鹏飞宇"
    "浩然子轩欣怡佳琪梓涵雨婷晓东海燕春雪晨阳志刚丹凤俊峰慧琳思远嘉豪"
)
