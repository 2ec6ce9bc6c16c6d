from django.urls import path

from ambito.territory import api

urlpatterns = [path("comuni/", api.ComuneListApi.as_view(), name="api-comune-list")]
