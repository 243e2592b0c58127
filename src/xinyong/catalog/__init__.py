"""The catalog of public credit information (公共信用信息目录): what may be recorded, with its
legal basis, disclosure, sharing scope, publication period and typed fields, as dated policy
data. Nothing outside the catalog can be recorded."""
