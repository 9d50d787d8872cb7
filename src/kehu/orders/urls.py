from django.urls import path

from kehu.orders import views

app_name = "orders"

urlpatterns = [
    path("", views.order_list, name="list"),
    path("new/", views.order_edit, name="order-new"),
    path("<int:pk>/", views.order_detail, name="order"),
    path("<int:pk>/edit/", views.order_edit, name="order-edit"),
    path("<int:pk>/pdf/", views.order_pdf, name="order-pdf"),
    path("<int:pk>/lines/<int:line_pk>/specs/", views.order_line_specs, name="specs"),
    path(
        "<int:pk>/deliveries/<int:delivery_pk>/arrived/",
        views.delivery_arrived,
        name="delivery-arrived",
    ),
    path("<int:pk>/<slug:action>/", views.order_action, name="order-action"),
    path("rows/<slug:kind>/", views.blank_row, name="blank-row"),
    path("products/", views.product_list, name="products"),
    path("products/new/", views.product_edit, name="product-new"),
    path("products/<int:pk>/edit/", views.product_edit, name="product-edit"),
    path("price-lists/", views.group_list, name="groups"),
    path("price-lists/<int:pk>/", views.group_detail, name="group"),
    path("quotes/", views.quote_list, name="quotes"),
    path("quotes/new/", views.quote_edit, name="quote-new"),
    path("quotes/<int:pk>/", views.quote_detail, name="quote"),
    path("quotes/<int:pk>/revise/", views.quote_edit, name="quote-revise"),
    path("quotes/<int:pk>/accept/", views.quote_accept, name="quote-accept"),
    path("quotes/<int:pk>/pdf/", views.quote_pdf, name="quote-pdf"),
    path("approvals/", views.approval_list, name="approvals"),
    path("approvals/<int:pk>/decide/", views.approval_decide, name="approval-decide"),
    path("receivables/", views.receivables, name="receivables"),
    path("dealers/<int:pk>/", views.dealer_detail, name="dealer"),
]
