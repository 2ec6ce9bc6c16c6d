from django.urls import path

from ambito.access import views

urlpatterns = [
    path("pua/", views.work_queue, name="access-work-queue"),
    path("pua/liste-attesa/", views.waiting_lists, name="access-waiting-lists"),
    path("pua/liste-attesa/<int:pk>/", views.waiting_list_detail, name="access-waiting-list"),
    path("pua/liste-attesa/<int:pk>/ammetti/", views.waiting_list_admit, name="access-waiting-list-admit"),
    path("pua/iscrizioni/<int:pk>/rimuovi/", views.waiting_list_entry_remove, name="access-entry-remove"),
    path("pua/persone/<str:pseudonym>/", views.person_detail, name="access-person"),
]
