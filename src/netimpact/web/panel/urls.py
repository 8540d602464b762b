"""Mounted at exercises/<str:key>/panel/ by netimpact.web.urls (the key reaches every view)."""

from django.urls import path

from . import views

app_name = "panel"

urlpatterns = [
    path("", views.home, name="home"),
    path("members/", views.members, name="members"),
    path("declaration/", views.declaration, name="declaration"),
    path("bids/<str:bid_key>/", views.score_bid, name="score_bid"),
    path("moderation/", views.moderation, name="moderation"),
    path("moderation/<str:bid_key>/", views.moderate_bid, name="moderate_bid"),
    path("moderation/<str:bid_key>/<int:question_pk>/", views.save_moderated, name="save_moderated"),
    path(
        "moderation/<str:bid_key>/<int:question_pk>/unlock/", views.unlock_moderated, name="unlock_moderated"
    ),
]
