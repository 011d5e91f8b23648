"""The API reference: what each route takes, answers and refuses, as the OpenAPI document at
/docs tells it. Each controller names its route's entry here in its decorator, so that a route
is never served without its documentation."""
