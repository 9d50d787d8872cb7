from django.urls import include, path

from kehu.customers import views

app_name = "customers"

urlpatterns = [
    path("", views.customer_list, name="list"),
    path("new/", views.customer_edit, name="new"),
    path("regions/", views.region_options, name="regions"),
    path("pick/", views.customer_pick, name="pick"),
    path("contacts/pick/", views.contact_pick, name="contact-pick"),
    path("", include("kehu.customers.import_urls")),
    path("pool/", views.pool_list, name="pool"),
    path("handover/", views.handover, name="handover"),
    path("duplicates/", views.duplicate_list, name="duplicates"),
    path("<int:pk>/claim/", views.customer_claim, name="claim"),
    path("<int:pk>/release/", views.customer_release, name="release"),
    path("<int:pk>/merge/", views.customer_merge, name="merge"),
    path("<int:customer_pk>/activities/", views.activity_create, name="activities"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("<int:pk>/edit/", views.customer_edit, name="edit"),
    path("<int:pk>/delete/", views.customer_delete, name="delete"),
    path("<int:pk>/history/", views.customer_history, name="history"),
    path("<int:customer_pk>/contacts/", views.contact_list, name="contacts"),
    path("<int:customer_pk>/contacts/new/", views.contact_edit, name="contact-new"),
    path("<int:customer_pk>/contacts/<int:pk>/", views.contact_edit, name="contact-edit"),
    path(
        "<int:customer_pk>/contacts/<int:pk>/delete/",
        views.contact_delete,
        name="contact-delete",
    ),
]
