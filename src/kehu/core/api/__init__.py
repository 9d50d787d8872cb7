"""The REST API's kernel: closed by default (authenticated, model permissions for every
method, each record read through its model's visibility), one error shape, one way to name
the version an update read, and one way for a viewset to hand its writes to the services.

Apps build their viewsets on `viewsets.KehuViewSet` and their relations on
`fields.VisibleRecordField`; `REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"]` is
`permissions.ModelPermissions`, so a view that needs anything else must say so. (Nothing is
imported here: DRF reads its settings while its own views module loads.)
"""
