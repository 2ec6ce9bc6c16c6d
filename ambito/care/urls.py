from django.urls import path

from ambito.care import views

urlpatterns = [
    path("casi/", views.care_plan_list, name="care-plan-list"),
    path("casi/nuovo/", views.care_plan_create, name="care-plan-create"),
    path("casi/<int:pk>/", views.care_plan_detail, name="care-plan-detail"),
    path("casi/<int:pk>/modifica/", views.care_plan_edit, name="care-plan-edit"),
    path("casi/<int:pk>/obiettivi/", views.goal_add, name="care-goal-add"),
    path("casi/<int:pk>/interventi/", views.intervention_add, name="care-intervention-add"),
    path("casi/<int:pk>/sottoscrizione/", views.care_plan_sign, name="care-plan-sign"),
    path("casi/<int:pk>/verifica/", views.care_plan_review, name="care-plan-review"),
    path("casi/<int:pk>/interventi/<int:intervention_pk>/invio/", views.referral_send, name="care-referral-send"),
    path("casi/<int:pk>/note/", views.note_add, name="care-note-add"),
    path("allegati/<int:pk>/", views.attachment_download, name="care-attachment"),
    path("budget-di-salute/", views.health_budget_list, name="care-budget-list"),
    path("budget-di-salute/nuovo/", views.health_budget_create, name="care-budget-create"),
    path("budget-di-salute/<int:pk>/", views.health_budget_detail, name="care-budget-detail"),
    path("dimissioni/", views.discharge_list, name="care-discharge-list"),
    path("dimissioni/<int:pk>/", views.discharge_detail, name="care-discharge-detail"),
    path("invii/", views.referral_inbox, name="care-referral-inbox"),
    path("invii/importa/", views.delivery_import, name="care-delivery-import"),
    path("invii/risposta/<str:token>/", views.referral_link, name="care-referral-link"),
    path("invii/<int:pk>/", views.referral_detail, name="care-referral-detail"),
    path("invii/<int:pk>/accetta/", views.referral_accept, name="care-referral-accept"),
    path("invii/<int:pk>/rifiuta/", views.referral_decline, name="care-referral-decline"),
    path("invii/<int:pk>/prestazioni/", views.delivery_add, name="care-delivery-add"),
    path("invii/<int:pk>/settimana/", views.delivery_week, name="care-delivery-week"),
    path("invii/<int:pk>/<slug:action>/", views.referral_move, name="care-referral-move"),
]
