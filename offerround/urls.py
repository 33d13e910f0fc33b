from django.urls import path

from offerround import views

app_name = "offerround"

urlpatterns = [
    path("", views.index, name="index"),
    path("rounds/new/", views.open_round, name="open_round"),
    path("rounds/<int:pk>/", views.round_progress, name="progress"),
    path("rounds/<int:pk>/reminders/", views.round_reminders, name="reminders"),
    path("rounds/<int:pk>/state/", views.round_state, name="round_state"),
    path("rounds/<int:pk>/providers/add/", views.add_provider, name="add_provider"),
    path("rounds/<int:pk>/delete/", views.delete_round, name="delete_round"),
    path("submissions/<int:pk>/", views.submission_page, name="submission"),
    path("submissions/<int:pk>/submit/", views.submit, name="submit"),
    path("submissions/<int:pk>/review/", views.review, name="review"),
    path("submissions/<int:pk>/offers.csv", views.download_offers, name="download"),
    path("submissions/<int:pk>/upload/", views.upload_offers, name="upload"),
    path("submissions/<int:pk>/offers/new/", views.edit_offer, name="offer_new"),
    path("submissions/<int:pk>/offers/<int:offer_pk>/", views.edit_offer, name="offer_edit"),
    path("submissions/<int:pk>/offers/<int:offer_pk>/answer/", views.answer_offer,
         name="offer_answer"),
]
