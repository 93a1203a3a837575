from django.urls import path

from . import subscription_views as views

app_name = "subscriptions"

urlpatterns = [
    path("", views.subscribe, name="subscribe"),
    path("sent/", views.sent, name="sent"),
    path("confirm/<str:token>/", views.confirm_alerts, name="confirm"),
    path("manage/<slug:token>/", views.manage, name="manage"),
    path("unsubscribe/<slug:token>/", views.unsubscribe, name="unsubscribe"),
]
