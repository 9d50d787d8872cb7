from django.urls import path

from kehu.customers.views import contacts, customers, imports, pool

app_name = "customers"

urlpatterns = [
    path("", customers.customer_list, name="list"),
    path("new/", customers.customer_new, name="new"),
    path("regions/", customers.region_options, name="regions"),
    path("pick/", customers.customer_pick, name="pick"),
    path("contacts/pick/", customers.contact_pick, name="contact-pick"),
    path("export.csv", imports.customer_export, {"fmt": "csv"}, name="export-csv"),
    path("export.xlsx", imports.customer_export, {"fmt": "xlsx"}, name="export-xlsx"),
    path("import/", imports.import_upload, name="import"),
    path("import/<int:job>/", imports.import_job, name="import-job"),
    path("import/<int:job>/columns/", imports.import_columns, name="import-columns"),
    path("import/<int:job>/progress/", imports.import_progress, name="import-progress"),
    path("import/<int:job>/run/", imports.import_run, name="import-run"),
    path("import/<int:job>/resume/", imports.import_resume, name="import-resume"),
    path("import/<int:job>/problems.csv", imports.import_problems, name="import-problems"),
    path("pool/", pool.pool_list, name="pool"),
    path("handover/", pool.handover, name="handover"),
    path("duplicates/", pool.duplicate_list, name="duplicates"),
    path("<int:customer>/claim/", pool.customer_claim, name="claim"),
    path("<int:customer>/release/", pool.customer_release, name="release"),
    path("<int:customer>/merge/", pool.customer_merge, name="merge"),
    path("<int:customer>/activities/", contacts.activity_create, name="activities"),
    path("<int:customer>/", customers.customer_detail, name="detail"),
    path("<int:customer>/edit/", customers.customer_edit, name="edit"),
    path("<int:customer>/credit/", customers.customer_credit, name="credit"),
    path("<int:customer>/delete/", customers.customer_delete, name="delete"),
    path("<int:customer>/history/", customers.customer_history, name="history"),
    path("<int:customer>/contacts/", contacts.contact_list, name="contacts"),
    path("<int:customer>/contacts/new/", contacts.contact_new, name="contact-new"),
    path("<int:customer>/contacts/<int:contact>/", contacts.contact_edit, name="contact-edit"),
    path(
        "<int:customer>/contacts/<int:contact>/delete/",
        contacts.contact_delete,
        name="contact-delete",
    ),
]
