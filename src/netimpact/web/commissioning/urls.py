from django.urls import path

from . import setup_views, views

app_name = "commissioning"

urlpatterns = [
    path("", views.exercises, name="exercises"),
    path("<str:key>/", views.exercise, name="exercise"),
    path("<str:key>/evaluation/", views.evaluation, name="evaluation"),
    # Setting up and publishing an exercise (setup_views.py); "set-up/new/" has two parts, so no
    # exercise id can shadow it.
    path("set-up/new/", setup_views.create_exercise, name="setup_new"),
    path("<str:key>/set-up/", setup_views.edit_exercise, name="setup_details"),
    path("<str:key>/set-up/questions/", setup_views.questions, name="setup_questions"),
    path(
        "<str:key>/set-up/questions/provider-selection-regime/",
        setup_views.use_psr_template,
        name="setup_psr",
    ),
    path("<str:key>/set-up/questions/<int:pk>/", setup_views.edit_question, name="setup_question"),
    path(
        "<str:key>/set-up/questions/<int:pk>/remove/",
        setup_views.remove_question,
        name="setup_question_remove",
    ),
    path("<str:key>/set-up/criteria/", setup_views.award_criteria, name="setup_criteria"),
    path(
        "<str:key>/set-up/criteria/changes/<int:pk>/",
        setup_views.criteria_change,
        name="setup_criteria_change",
    ),
    path("<str:key>/set-up/check/", setup_views.check_and_publish, name="setup_check"),
    path("<str:key>/criteria/", setup_views.published_criteria, name="criteria"),
]
