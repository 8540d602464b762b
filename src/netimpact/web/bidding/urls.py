from django.urls import path

from . import account_views, views

app_name = "bidding"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-up/", account_views.sign_up, name="sign_up"),
    path("organisation/", account_views.organisation, name="organisation"),
    path("exercises/<str:key>/", views.exercise, name="exercise"),
    path("<str:reference>/", views.bid, name="bid"),
    path("<str:reference>/details/", views.details, name="details"),
    path("<str:reference>/service/", views.service, name="service"),
    path("<str:reference>/price/", views.price, name="price"),
    path("<str:reference>/answers/<str:question>/", views.answer, name="answer"),
    path("<str:reference>/join-up/", views.joinup, name="joinup"),
    path("<str:reference>/commitments/", views.commitments, name="commitments"),
    path("<str:reference>/attachments/<int:pk>/remove/", views.remove_attachment, name="remove_attachment"),
    # After the attachments' own removal: this pattern would otherwise take "attachments" as a kind.
    path("<str:reference>/<str:kind>/<int:pk>/remove/", views.remove_row, name="remove_row"),
    path("<str:reference>/contacts/", views.contacts, name="contacts"),
    path("<str:reference>/attachments/", views.attachments, name="attachments"),
    path("<str:reference>/attachments/<int:pk>/", views.download, name="download"),
    path("<str:reference>/check/", views.check, name="check"),
    path("<str:reference>/submitted/", views.submitted, name="submitted"),
    path("<str:reference>/withdraw/", views.withdraw, name="withdraw"),
    path("<str:reference>/reopen/", views.reopen, name="reopen"),
]
