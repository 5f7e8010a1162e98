from django.urls import path

from . import views

urlpatterns = [
    path("", views.home),
    path("public/", views.home),
    path("internal/", views.internal),
    path("staff/", views.staff),
    path("form/", views.form),
    path("api/items/", views.Items.as_view()),
    path("api/session/items/", views.SessionItems.as_view()),
    path("api/basic/items/", views.BasicItems.as_view()),
    path("api/admin/", views.AdminOnly.as_view()),
    path("api/limited/", views.Limited.as_view()),
    path("api/anon-limited/", views.AnonLimited.as_view()),
    path("api/readonly/", views.ReadOnly.as_view()),
]
