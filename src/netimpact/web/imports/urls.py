from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.start, name="start"),
    path("runs/", views.runs, name="runs"),
    path("runs/<int:pk>/", views.run, name="run"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<int:pk>/", views.decide, name="decide"),
    path("merges/", views.merges, name="merges"),
    path("merges/<int:pk>/undo/", views.undo_merge, name="undo_merge"),
]
