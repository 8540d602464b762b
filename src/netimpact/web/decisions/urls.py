from django.urls import path

from . import views

app_name = "decisions"

# Under exercises/<key>/ (src/netimpact/web/urls.py).
urlpatterns = [
    path("evaluation/run/", views.run_evaluation, name="run_evaluation"),
    path("evaluation/jobs/<int:pk>/", views.job, name="job"),
    path("evaluation/jobs/<int:pk>/progress.json", views.job_progress, name="job_progress"),
    path("decision/", views.report, name="report"),
    path("decision/report.pdf", views.report_pdf, name="report_pdf"),
    path("decision/record/", views.record, name="record"),
    path("decision/record/check/", views.check, name="check"),
]
