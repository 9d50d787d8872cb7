from django.urls import path

from kehu.privacy.views import audit, consents, erasure

app_name = "privacy"

urlpatterns = [
    path("audit/", audit.access_list, name="audit"),
    path("erasures/", erasure.erasure_list, name="erasures"),
    path("erasures/new/", erasure.erasure_new, name="erasure-new"),
    path("erasures/<int:erasure>/execute/", erasure.erasure_execute, name="erasure-execute"),
    path("customers/<int:customer>/export.json", audit.customer_export, name="customer-export"),
    path("customers/<int:customer>/consents/", consents.consent_list, name="consents"),
    path("customers/<int:customer>/consents/grant/", consents.consent_grant, name="consent-grant"),
    path(
        "customers/<int:customer>/consents/<int:consent>/withdraw/",
        consents.consent_withdraw,
        name="consent-withdraw",
    ),
]
