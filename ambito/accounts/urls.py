from django.contrib.auth import views as auth_views
from django.urls import path

from ambito.accounts import views, views_2fa

urlpatterns = [
    path("", views.home, name="home"),
    path("accesso/", views.LoginView.as_view(), name="login"),
    path("esci/", auth_views.LogoutView.as_view(), name="logout"),
    path("accesso/codice/", views_2fa.twofactor_verify, name="account-2fa-verify"),
    path("profilo/sicurezza/", views_2fa.account_security, name="account-security"),
    path("profilo/sicurezza/due-fattori/", views_2fa.twofactor_enrol, name="account-2fa-enrol"),
    path("profilo/sicurezza/due-fattori/disattiva/", views_2fa.twofactor_disable, name="account-2fa-disable"),
    path("profilo/sicurezza/codici-di-recupero/", views_2fa.twofactor_recovery, name="account-2fa-recovery"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(template_name="registration/password_change.html"),
        name="password_change",
    ),
    path(
        "password/fatto/",
        auth_views.PasswordChangeDoneView.as_view(template_name="registration/password_change_done.html"),
        name="password_change_done",
    ),
]
