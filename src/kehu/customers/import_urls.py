"""Pages of the import wizard and the customer list's exports, under /customers/."""

from django.urls import path

from kehu.customers import import_views

urlpatterns = [
    path("import/", import_views.import_upload, name="import"),
    path("import/<int:pk>/", import_views.import_job, name="import-job"),
    path("import/<int:pk>/columns/", import_views.import_columns, name="import-columns"),
    path("import/<int:pk>/progress/", import_views.import_progress, name="import-progress"),
    path("import/<int:pk>/run/", import_views.import_run, name="import-run"),
    path("import/<int:pk>/resume/", import_views.import_resume, name="import-resume"),
    path("import/<int:pk>/problems.csv", import_views.import_problems, name="import-problems"),
    path("export.csv", import_views.customer_export, {"fmt": "csv"}, name="export-csv"),
    path("export.xlsx", import_views.customer_export, {"fmt": "xlsx"}, name="export-xlsx"),
]
