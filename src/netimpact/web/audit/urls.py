"""Mounted at exercises/<str:key>/history/ by netimpact.web.urls (the key reaches the view)."""

from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.exercise_history, name="exercise_history"),
]
