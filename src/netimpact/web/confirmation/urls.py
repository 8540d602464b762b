from django.urls import path

from . import views

app_name = "confirmation"

urlpatterns = [
    # The partner's pages. "your-claims/" comes first so no token can shadow it (a token is 43 characters).
    path("confirm/your-claims/", views.your_claims, name="your_claims"),
    path("confirm/your-claims/<int:pk>/", views.answer_as_partner, name="answer"),
    path("confirm/<str:token>/", views.respond, name="respond"),
    # The officer's pages, beside the exercise's own.
    path("exercises/<str:key>/claims/", views.exercise_claims, name="exercise_claims"),
    # A bidder's own bids' invitations, with the printable letters it may print (the portal links here).
    path("exercises/<str:key>/claims/your-bids/", views.bidder_invitations, name="bidder_invitations"),
    path("exercises/<str:key>/claims/invitations/<int:pk>/resend/", views.resend_invitation, name="resend"),
    path("exercises/<str:key>/claims/invitations/<int:pk>/letter/", views.letter, name="letter"),
]
