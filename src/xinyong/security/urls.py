"""Security pages, mounted at ``/console/security/``."""

from django.urls import path

from xinyong.security.views import register, tokens, twofactor

app_name = "security"
urlpatterns = [
    path("login/code/", twofactor.login_code, name="login-code"),
    path("login/enrol/", twofactor.login_enrol, name="login-enrol"),
    path("authenticator/", twofactor.twofactor_settings, name="twofactor"),
    path("tokens/", tokens.token_list, name="tokens"),
    path("tokens/new/", tokens.token_create, name="token-create"),
    path("tokens/<int:pk>/rotate/", tokens.token_rotate, name="token-rotate"),
    path("tokens/<int:pk>/revoke/", tokens.token_revoke, name="token-revoke"),
    path("register/", register.register, name="register"),
    path("register/export/", register.register_export, name="register-export"),
]
