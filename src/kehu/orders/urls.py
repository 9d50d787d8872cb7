from django.urls import path

from kehu.orders.views import catalogue, orders, quotes, reports

app_name = "orders"

urlpatterns = [
    path("", orders.order_list, name="list"),
    path("new/", orders.order_new, name="order-new"),
    path("<int:order>/", orders.order_detail, name="order"),
    path("<int:order>/edit/", orders.order_edit, name="order-edit"),
    path("<int:order>/pdf/", orders.order_pdf, name="order-pdf"),
    path("<int:order>/confirm/", orders.order_confirm, name="order-confirm"),
    path("<int:order>/transition/", orders.order_transition, name="order-transition"),
    path(
        "<int:order>/request-approval/",
        orders.order_request_approval,
        name="order-request-approval",
    ),
    path("<int:order>/payment/", orders.order_payment, name="order-payment"),
    path("<int:order>/delivery/", orders.order_delivery, name="order-delivery"),
    path("<int:order>/lines/<int:line>/specs/", orders.order_line_specs, name="specs"),
    path(
        "<int:order>/lines/<int:line>/specs/edit/",
        orders.order_line_specs_edit,
        name="specs-edit",
    ),
    path(
        "<int:order>/deliveries/<int:delivery>/arrived/",
        orders.delivery_arrived,
        name="delivery-arrived",
    ),
    path("rows/line/", quotes.line_row, name="line-row"),
    path("rows/spec/", quotes.spec_row, name="spec-row"),
    path("products/", catalogue.product_list, name="products"),
    path("products/new/", catalogue.product_new, name="product-new"),
    path("products/<int:product>/edit/", catalogue.product_edit, name="product-edit"),
    path("price-lists/", catalogue.group_list, name="groups"),
    path("price-lists/new/", catalogue.group_new, name="group-new"),
    path("price-lists/<int:group>/", catalogue.group_detail, name="group"),
    path("price-lists/<int:group>/prices/", catalogue.group_edit, name="group-edit"),
    path("price-lists/<int:group>/terms/", catalogue.group_terms, name="group-terms"),
    path("price-lists/<int:group>/members/", catalogue.group_member_add, name="group-member-add"),
    path(
        "price-lists/<int:group>/members/<int:customer>/remove/",
        catalogue.group_member_remove,
        name="group-member-remove",
    ),
    path("quotes/", quotes.quote_list, name="quotes"),
    path("quotes/new/", quotes.quote_new, name="quote-new"),
    path("quotes/<int:quote>/", quotes.quote_detail, name="quote"),
    path("quotes/<int:quote>/revise/", quotes.quote_revise, name="quote-revise"),
    path("quotes/<int:quote>/accept/", quotes.quote_accept, name="quote-accept"),
    path("quotes/<int:quote>/pdf/", quotes.quote_pdf, name="quote-pdf"),
    path("approvals/", reports.approval_list, name="approvals"),
    path("credit-policy/", reports.credit_policy, name="credit-policy"),
    path("approvals/<int:approval>/decide/", reports.approval_decide, name="approval-decide"),
    path("receivables/", reports.receivables, name="receivables"),
    path("dealers/<int:dealer>/", reports.dealer_detail, name="dealer"),
]
