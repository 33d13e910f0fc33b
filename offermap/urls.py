from django.urls import path

from offermap import views

urlpatterns = [
    path("", views.home, name="home"),
]
