"""The catalogue's rows: one ``Signature`` per recognisable refusal, grouped by provider.

Plain data: ``Signature`` comes from ``_signature``; ``_catalogue`` matches these rows.
Every row names the page or source file its wording was taken from; rows whose exact wording
was written from memory or from refusals seen in the wild, rather than from that source,
say so in a comment (``# memory:`` / ``# observed:``).
"""

from __future__ import annotations

from .._causes import Cause
from .._diagnosis import Layer
from ._signature import Signature

P, K, IP, R, A, S, C = (
    Cause.PERMISSIONS,
    Cause.API_KEY,
    Cause.IP_ALLOWLIST,
    Cause.RATE_LIMIT,
    Cause.AUTHENTICATION,
    Cause.SECURITY_POLICY,
    Cause.CONFIGURATION,
)
CDN, GATEWAY, PROXY, ORIGIN = Layer.CDN_WAF, Layer.GATEWAY, Layer.PROXY, Layer.ORIGIN

ANY: tuple[int, ...] = ()
DENY = (403,)
AUTH = (401, 403)
LIMIT = (403, 429)
THROTTLE = (429,)
GOOGLE = (400, 401, 403, 429)  # Google answers a bad key with 400 INVALID_ARGUMENT
WAF_PAGE = (403, 200, 406, 429, 503)  # block pages are sometimes served with 200 or 503
SLACK = (200, 429)  # Slack's Web API refuses with HTTP 200 and "ok": false


def J(key: str, value: str) -> str:
    """Regex for the JSON member ``"key": "value"`` with any spacing (value is a regex)."""
    return rf'"{key}"\s*:\s*"{value}"'


def xml_code(code: str) -> str:
    """Regex for an S3/Azure Storage style ``<Code>...</Code>`` element."""
    return rf"<Code>{code}</Code>"


def slack(code: str) -> str:
    """Regex for a Slack Web API refusal ``{"ok": false, "error": "<code>"}``."""
    return r'"ok"\s*:\s*false\s*,\s*' + J("error", code)


def cf_error(codes: str) -> str:
    """Regex for Cloudflare's ``Error 1020`` heading (plain or split across spans), in a page
    that goes on to name Cloudflare (its footer does), so an API's own "Error 1020" is not it."""
    return rf"Error(?:</span>)?\s*(?:<span[^>]*>)?\s*(?:{codes})\b(?=[\s\S]*?cloudflare)"


def tyk(message: str) -> str:
    """Regex for Tyk's default error template when it is the whole body:
    ``{"error": "<message>"}``; used where the message alone is too common a phrase."""
    return r"\A\s*\{\s*" + J("error", message) + r"\s*\}\s*\Z"


# -- sources --------------------------------------------------------------------------------
AWS_APIGW_403 = "https://repost.aws/knowledge-center/api-gateway-troubleshoot-403-forbidden"
AWS_APIGW_MISSING = "https://repost.aws/knowledge-center/api-gateway-authentication-token-errors"
AWS_APIGW_RESPONSES = (
    "https://docs.aws.amazon.com/apigateway/latest/developerguide/"
    "supported-gateway-response-types.html"
)
AWS_IAM_DENIED = "https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html"
AWS_SIGV4 = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-troubleshooting.html"
AWS_COMMON_ERRORS = "https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html"
AWS_S3_ERRORS = "https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html"
AWS_CF_403 = (
    "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/"
    "http-403-permission-denied.html"
)
AWS_CF_GEO = "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/georestrictions.html"
AWS_WAF_CAPTCHA = (
    "https://docs.aws.amazon.com/waf/latest/developerguide/"
    "waf-captcha-and-challenge-how-it-works.html"
)
AWS_ALB = (
    "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/"
    "load-balancer-troubleshooting.html"
)
GOOGLE_REASONS = "https://github.com/googleapis/googleapis/blob/master/google/api/error_reason.proto"
GOOGLE_AIP193 = "https://google.aip.dev/193"
GOOGLE_CLOUD_ERRORS = "https://cloud.google.com/apis/design/errors"
GOOGLE_LEGACY = "https://developers.google.com/drive/api/guides/handle-errors"
YOUTUBE_ERRORS = "https://developers.google.com/youtube/v3/docs/errors"
GH_RATE = "https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api"
GH_TROUBLE = "https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api"
GH_UA = (
    "https://docs.github.com/en/rest/using-the-rest-api/getting-started-with-the-rest-api"
    "#user-agent"
)
GH_SSO = "https://docs.github.com/en/rest/authentication/authenticating-to-the-rest-api"
GH_IP = (
    "https://docs.github.com/en/enterprise-cloud@latest/organizations/"
    "keeping-your-organization-secure/managing-security-settings-for-your-organization/"
    "managing-allowed-ip-addresses-for-your-organization"
)
GH_OAUTH_RESTRICT = (
    "https://docs.github.com/en/organizations/managing-oauth-access-to-your-organizations-data/"
    "about-oauth-app-access-restrictions"
)
AZ_APIM_KEYS = "https://learn.microsoft.com/en-us/azure/api-management/api-management-subscriptions"
AZ_APIM_RATE = "https://learn.microsoft.com/en-us/azure/api-management/rate-limit-policy"
AZ_APIM_QUOTA = "https://learn.microsoft.com/en-us/azure/api-management/quota-policy"
AZ_ARM = "https://learn.microsoft.com/en-us/azure/azure-resource-manager/troubleshooting/error-codes"
AZ_STORAGE = "https://learn.microsoft.com/en-us/rest/api/storageservices/common-rest-api-error-codes"
AZ_SAS = "https://learn.microsoft.com/en-us/rest/api/storageservices/sas-error-codes"
AZ_FD_WAF = (
    "https://learn.microsoft.com/en-us/azure/web-application-firewall/afds/"
    "waf-front-door-configure-custom-response-code"
)
AZ_FD_HEADERS = "https://learn.microsoft.com/en-us/azure/frontdoor/front-door-http-headers-protocol"
AZ_APPGW = (
    "https://learn.microsoft.com/en-us/azure/application-gateway/"
    "application-gateway-troubleshooting-502"
)
MS_GRAPH = "https://learn.microsoft.com/en-us/graph/errors"
TYK_CODES = "https://tyk.io/docs/error-response-codes/"
TYK_SRC = "https://github.com/TykTechnologies/tyk/blob/master/gateway/"
KONG_SRC = "https://github.com/Kong/kong/blob/master/kong/"
KONG_HEADERS = "https://developer.konghq.com/gateway/reference/headers/"
APIGEE_RT = "https://cloud.google.com/apigee/docs/api-platform/troubleshoot/policies/runtime/"
CF_1XXX = "https://developers.cloudflare.com/support/troubleshooting/http-status-codes/"
CF_CHALLENGE = (
    "https://developers.cloudflare.com/cloudflare-challenges/challenge-types/challenge-pages/"
    "detect-response/"
)
CF_PAGES = "https://developers.cloudflare.com/rules/custom-errors/reference/error-page-types/"
CF_RAY = "https://developers.cloudflare.com/fundamentals/reference/cloudflare-ray-id/"
AKAMAI_DIAG = "https://techdocs.akamai.com/edge-diagnostics/reference"
IMPERVA = "https://docs.imperva.com/bundle/cloud-application-security/"
SUCURI = "https://docs.sucuri.net/website-firewall/"
NGINX_APP_PROTECT = "https://docs.nginx.com/nginx-app-protect-waf/"
MODSEC = "https://github.com/owasp-modsecurity/ModSecurity"
FORTIWEB = "https://docs.fortinet.com/product/fortiweb/"
WORDFENCE = "https://www.wordfence.com/help/firewall/"
FASTLY = "https://www.fastly.com/documentation/reference/http/http-headers/X-Served-By/"
VARNISH = "https://varnish-cache.org/docs/trunk/reference/varnishd.html"
VERCEL_HEADERS = "https://vercel.com/docs/headers/response-headers"
VERCEL_WAF = "https://vercel.com/docs/vercel-firewall/vercel-waf"
NETLIFY = "https://docs.netlify.com/manage/routing/headers/"
HEROKU = "https://devcenter.heroku.com/articles/http-routing"
NGINX_SRC = "https://github.com/nginx/nginx/blob/master/src/http/ngx_http_special_response.c"
OPENRESTY = "https://openresty.org/en/"
APACHE_SRC = "https://github.com/apache/httpd/blob/trunk/modules/http/http_protocol.c"
IIS_CODES = (
    "https://learn.microsoft.com/en-us/troubleshoot/developer/webapps/iis/"
    "www-administration-management/http-status-code"
)
ENVOY_RBAC = (
    "https://www.envoyproxy.io/docs/envoy/latest/configuration/http/http_filters/rbac_filter"
)
ENVOY_LRL = (
    "https://www.envoyproxy.io/docs/envoy/latest/configuration/http/http_filters/"
    "local_rate_limit_filter"
)
ENVOY_ROUTER = (
    "https://www.envoyproxy.io/docs/envoy/latest/configuration/http/http_filters/router_filter"
)
JWT_VERIFY_LIB = "https://github.com/google/jwt_verify_lib/blob/master/src/status.cc"
HAPROXY_SRC = "https://github.com/haproxy/haproxy/blob/master/src/http.c"
CADDY = "https://caddyserver.com/docs/caddyfile/directives/header"
DRF = "https://github.com/encode/django-rest-framework/blob/master/rest_framework/exceptions.py"
DRF_AUTH = (
    "https://github.com/encode/django-rest-framework/blob/master/rest_framework/authentication.py"
)
SIMPLEJWT = "https://django-rest-framework-simplejwt.readthedocs.io/en/latest/"
DJANGO_CSRF = "https://docs.djangoproject.com/en/stable/ref/csrf/"
SPRING_BOOT_ERR = (
    "https://docs.spring.io/spring-boot/reference/web/servlet.html#web.servlet.spring-mvc"
    ".error-handling"
)
SPRING_CSRF = "https://docs.spring.io/spring-security/reference/servlet/exploits/csrf.html"
LARAVEL_AUTHZ = "https://laravel.com/docs/authorization"
LARAVEL_CSRF = "https://laravel.com/docs/csrf"
LARAVEL_RATE = "https://laravel.com/docs/routing#rate-limiting"
RAILS_CSRF = (
    "https://api.rubyonrails.org/classes/ActionController/RequestForgeryProtection.html"
)
CSURF = "https://github.com/expressjs/csurf"
EXPRESS_RL = "https://github.com/express-rate-limit/express-rate-limit"
ASPNET_PROBLEM = "https://learn.microsoft.com/en-us/aspnet/core/web-api/handle-errors"
ASPNET_ANTIFORGERY = "https://learn.microsoft.com/en-us/aspnet/core/security/anti-request-forgery"
FASTAPI_SEC = "https://fastapi.tiangolo.com/tutorial/security/first-steps/"
FASTAPI_JWT = "https://fastapi.tiangolo.com/tutorial/security/oauth2-jwt/"
KEYCLOAK = "https://www.keycloak.org/docs/latest/authorization_services/index.html"
AUTH0_MGMT = "https://auth0.com/docs/api/management/v2"
AUTH0_RATE = "https://auth0.com/docs/troubleshoot/customer-support/operational-policies/rate-limit-policy"
OKTA_CODES = "https://developer.okta.com/docs/reference/error-codes/"
STRIPE_ERRORS = "https://docs.stripe.com/error-codes"
STRIPE_KEYS = "https://docs.stripe.com/keys"
STRIPE_RATE = "https://docs.stripe.com/rate-limits"
OPENAI_ERRORS = "https://platform.openai.com/docs/guides/error-codes"
ANTHROPIC_ERRORS = "https://docs.anthropic.com/en/api/errors"
SLACK_ERRORS = "https://api.slack.com/web#evaluating_responses"
SLACK_RATE = "https://api.slack.com/apis/rate-limits"
X_ERRORS = "https://docs.x.com/x-api/fundamentals/response-codes-and-errors"
SHOPIFY_STATUS = "https://shopify.dev/docs/api/usage/response-codes"
SHOPIFY_RATE = "https://shopify.dev/docs/api/usage/limits"
ATLASSIAN_AUTH = "https://developer.atlassian.com/cloud/jira/platform/basic-auth-for-rest-apis/"
JIRA_REST = "https://developer.atlassian.com/cloud/jira/platform/rest/v3/intro/"
GITLAB_REST = "https://docs.gitlab.com/api/rest/troubleshooting/"
GITLAB_RATE = "https://docs.gitlab.com/security/rate_limits/"


SIGNATURES: tuple[Signature, ...] = (
    # -- AWS API Gateway ----------------------------------------------------------------------
    Signature(
        "aws-apigw-missing-auth-token-type", "AWS API Gateway", C,
        "header:x-amzn-ErrorType", r"^MissingAuthenticationTokenException",
        "API Gateway answered MissingAuthenticationTokenException: no deployed route matches "
        "this path and method (or an IAM-authorised method got an unsigned request)",
        AWS_APIGW_403, "MissingAuthenticationTokenException",
        weight=0.65, layer=GATEWAY, statuses=DENY,
        fix="Check the stage name, resource path and HTTP method against the deployed API "
            "(redeploy after changes); if the method uses IAM auth, sign the request (SigV4).",
    ),
    Signature(
        "aws-apigw-missing-auth-token", "AWS API Gateway", C,
        "body", J("message", "Missing Authentication Token"),
        "API Gateway says 'Missing Authentication Token', which it answers for an unmapped "
        "path, stage or method, not only for a missing token",
        AWS_APIGW_MISSING, '{"message":"Missing Authentication Token"}',
        weight=0.6, layer=GATEWAY, statuses=DENY,
        fix="Check the stage name, resource path and HTTP method against the deployed API "
            "(redeploy after changes); if the method uses IAM auth, sign the request (SigV4).",
    ),
    Signature(
        "aws-apigw-forbidden-exception", "AWS API Gateway", K,
        "header:x-amzn-ErrorType", r"^ForbiddenException",
        "API Gateway answered ForbiddenException ('Forbidden'): usually a missing or wrong "
        "x-api-key, or a key not in a usage plan for this stage (a WAF block or a private API "
        "reached the wrong way look the same)",
        AWS_APIGW_403, "ForbiddenException",
        weight=0.45, layer=GATEWAY, statuses=DENY,
        fix="Send the key in the x-api-key header and check it is attached to a usage plan "
            "that includes this API stage.",
    ),
    Signature(
        "aws-apigw-authorizer-deny", "AWS API Gateway", P,
        "body", r"User is not authorized to access this resource",
        "An API Gateway Lambda or Cognito authorizer denied this caller",
        AWS_APIGW_403, '{"Message":"User is not authorized to access this resource with an '
        'explicit deny in an identity-based policy"}',
        weight=0.7, layer=GATEWAY, statuses=DENY,
        fix="Check what the authorizer's policy allows for this identity and method ARN "
            "(and that a cached Deny is not being reused for other paths).",
    ),
    Signature(
        "aws-access-denied-exception", "AWS", P,
        "header:x-amzn-ErrorType", r"^AccessDeniedException",
        "AWS answered AccessDeniedException: the identity or a resource policy does not allow "
        "this action",
        AWS_APIGW_403, "AccessDeniedException",
        weight=0.55, statuses=(400, 403),
    ),
    Signature(
        "aws-iam-not-authorized", "AWS IAM", P,
        "body", r"User: arn:aws[\w-]*:[^\s]+ is not authorized to perform: [\w-]+:\w+",
        "AWS IAM says the caller is not authorized to perform the action",
        AWS_IAM_DENIED,
        "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: "
        "execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:123456789012:"
        "abcd1234/prod/GET/items with an explicit deny",
        weight=0.85, statuses=(400, 403),
        fix="Grant the action named in the message to this principal (identity policy), and "
            "check resource policies, SCPs and permission boundaries for an explicit deny.",
    ),
    Signature(
        "aws-apigw-anonymous-denied", "AWS API Gateway", P,
        "body", r"User: anonymous is not authorized to perform: execute-api:Invoke",
        "API Gateway refused an unsigned (anonymous) caller: IAM auth is on, or the resource "
        "policy does not allow this caller (often a source IP or VPC endpoint condition)",
        AWS_APIGW_403,
        "User: anonymous is not authorized to perform: execute-api:Invoke on resource: "
        "arn:aws:execute-api:us-east-1:123456789012:abcd1234/prod/GET/items",
        weight=0.55, layer=GATEWAY, statuses=DENY,
        fix="Sign the request with SigV4 if the method uses IAM auth; otherwise read the API's "
            "resource policy for aws:SourceIp or aws:SourceVpce conditions.",
    ),
    Signature(
        "aws-invalid-security-token", "AWS", K,
        "body", r"The security token included in the request is invalid",
        "AWS does not recognise the access key or session token that signed the request",
        AWS_APIGW_403, '{"message":"The security token included in the request is invalid."}',
        weight=0.75, statuses=(400, 403),
        fix="Use a current access key pair for this account (and the matching session token "
            "for temporary credentials).",
    ),
    Signature(
        # memory: the error type; the message row's wording is documented.
        "aws-unrecognized-client", "AWS", K,
        "header:x-amzn-ErrorType", r"^UnrecognizedClientException",
        "AWS answered UnrecognizedClientException: the access key is unknown to this account "
        "or region",
        AWS_COMMON_ERRORS, "UnrecognizedClientException",
        weight=0.75, statuses=(400, 403),
    ),
    Signature(
        "aws-expired-token", "AWS", A,
        "body", r"The security token included in the request is expired",
        "AWS says the temporary security token has expired",
        AWS_APIGW_403, '{"message":"The security token included in the request is expired"}',
        weight=0.85, statuses=(400, 403),
        fix="Refresh the temporary credentials (STS/SSO session) and sign the request again.",
    ),
    Signature(
        # memory: the error type; the message row's wording is documented.
        "aws-expired-token-type", "AWS", A,
        "header:x-amzn-ErrorType", r"^ExpiredTokenException",
        "AWS answered ExpiredTokenException: the session credentials have expired",
        AWS_COMMON_ERRORS, "ExpiredTokenException",
        weight=0.85, statuses=(400, 403),
    ),
    Signature(
        "aws-sigv4-signature-expired", "AWS SigV4", A,
        "body", r"Signature expired: \d{8}T\d{6}Z is now earlier than",
        "AWS says the request signature has expired: the signing time is too far from the "
        "server's clock",
        AWS_SIGV4,
        "Signature expired: 20240101T000000Z is now earlier than 20240101T000500Z "
        "(20240101T001000Z - 5 min.)",
        weight=0.85, statuses=(400, 403),
        fix="Synchronise the client clock (NTP) and sign each request just before sending it.",
    ),
    Signature(
        "aws-sigv4-mismatch", "AWS SigV4", A,
        "body", r"The request signature we calculated does not match the signature you provided",
        "AWS recomputed the SigV4 signature and it does not match the one sent",
        AWS_SIGV4,
        "The request signature we calculated does not match the signature you provided. "
        "Check your AWS Secret Access Key and signing method.",
        weight=0.85, statuses=(400, 403),
        fix="Check the secret key, and that the canonical request (path, query, signed "
            "headers, payload hash) matches what is actually sent; proxies must not alter it.",
    ),
    Signature(
        "aws-invalid-signature-type", "AWS SigV4", A,
        "header:x-amzn-ErrorType", r"^InvalidSignatureException",
        "AWS answered InvalidSignatureException: the signature is wrong or has expired",
        AWS_APIGW_403, "InvalidSignatureException",
        weight=0.75, statuses=(400, 403),
    ),
    Signature(
        # memory: the error type as API Gateway sends it.
        "aws-incomplete-signature-type", "AWS SigV4", A,
        "header:x-amzn-ErrorType", r"^IncompleteSignatureException",
        "AWS answered IncompleteSignatureException: the Authorization header is not a complete "
        "SigV4 signature (a Bearer token sent to an IAM-authorised API looks like this)",
        AWS_APIGW_403, "IncompleteSignatureException",
        weight=0.65, statuses=(400, 403),
    ),
    Signature(
        "aws-sigv4-region", "AWS SigV4", A,
        "body", r"Credential should be scoped to a valid region",
        "AWS says the request was signed for the wrong region",
        AWS_SIGV4, "Credential should be scoped to a valid region, not 'us-east-1'.",
        weight=0.85, statuses=(400, 403),
        fix="Sign with the region (and service name) of the endpoint you call.",
    ),
    Signature(
        # memory: the header values; the THROTTLED gateway response is documented.
        "aws-throttling-type", "AWS", R,
        "header:x-amzn-ErrorType", r"^(?:ThrottlingException|TooManyRequestsException)",
        "AWS answered a throttling error: requests arrive faster than the allowed rate",
        AWS_APIGW_RESPONSES, "TooManyRequestsException",
        weight=0.85, statuses=(400, 429),
    ),
    Signature(
        # memory: the header value; the QUOTA_EXCEEDED gateway response is documented.
        "aws-apigw-limit-exceeded-type", "AWS API Gateway", R,
        "header:x-amzn-ErrorType", r"^LimitExceededException",
        "API Gateway answered LimitExceededException: the usage plan's quota is used up",
        AWS_APIGW_RESPONSES, "LimitExceededException",
        weight=0.75, layer=GATEWAY, statuses=(400, 429),
    ),
    Signature(
        "aws-apigw-limit-exceeded", "AWS API Gateway", R,
        "body", J("message", "Limit Exceeded"),
        "API Gateway's default quota answer: the usage plan quota for this key is used up",
        AWS_APIGW_RESPONSES, '{"message":"Limit Exceeded"}',
        weight=0.65, layer=GATEWAY, statuses=THROTTLE,
        fix="Wait for the usage plan period to reset, or raise the plan's quota.",
    ),
    Signature(
        # memory: the header's format.
        "aws-apigw-id", "AWS API Gateway", None,
        "has:x-amz-apigw-id", "",
        "The response carries x-amz-apigw-id: Amazon API Gateway handled this request",
        AWS_APIGW_403, "Yt3JcFhgIAMFdLw=",
        weight=0.45, layer=GATEWAY, statuses=ANY,
    ),
    # -- Amazon S3 ----------------------------------------------------------------------------
    Signature(
        "aws-s3-access-denied", "Amazon S3", P,
        "body", xml_code("AccessDenied") + r"(?!\s*<Message>Request has expired)",
        "S3 says AccessDenied: the IAM or bucket policy does not allow this action (S3 also "
        "says this for a missing key when the caller lacks s3:ListBucket)",
        AWS_S3_ERRORS,
        "<Error><Code>AccessDenied</Code><Message>Access Denied</Message>"
        "<RequestId>12D809AE49184521</RequestId></Error>",
        weight=0.7, statuses=DENY,
        fix="Check the identity policy, the bucket policy (including aws:SourceIp / VPC "
            "conditions), object ownership and KMS key permissions for this action.",
    ),
    Signature(
        "aws-s3-signature-mismatch", "Amazon S3", A,
        "body", xml_code("SignatureDoesNotMatch"),
        "S3 recomputed the request signature and it does not match",
        AWS_S3_ERRORS,
        "<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we "
        "calculated does not match the signature you provided. Check your key and signing "
        "method.</Message></Error>",
        weight=0.85, statuses=DENY,
        fix="Check the secret key and that nothing (proxy, client) changes the signed headers "
            "or path after signing.",
    ),
    Signature(
        "aws-s3-time-skewed", "Amazon S3", A,
        "body", xml_code("RequestTimeTooSkewed"),
        "S3 says the request time is too far from the server's clock",
        AWS_S3_ERRORS,
        "<Error><Code>RequestTimeTooSkewed</Code><Message>The difference between the request "
        "time and the current time is too large.</Message></Error>",
        weight=0.9, statuses=DENY,
        fix="Synchronise the client clock (NTP).",
    ),
    Signature(
        "aws-s3-invalid-access-key", "Amazon S3", K,
        "body", xml_code("InvalidAccessKeyId"),
        "S3 does not know the access key ID that signed the request",
        AWS_S3_ERRORS,
        "<Error><Code>InvalidAccessKeyId</Code><Message>The AWS Access Key Id you provided "
        "does not exist in our records.</Message></Error>",
        weight=0.85, statuses=DENY,
        fix="Use an active access key of this AWS account (check for a deleted or rotated key).",
    ),
    Signature(
        "aws-s3-expired-token", "Amazon S3", A,
        "body", xml_code("ExpiredToken"),
        "S3 says the session token in the request has expired",
        AWS_S3_ERRORS,
        "<Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message>"
        "</Error>",
        weight=0.85, statuses=(400, 403),
    ),
    Signature(
        "aws-s3-invalid-token", "Amazon S3", A,
        "body", xml_code("InvalidToken"),
        "S3 says the session token is malformed or invalid",
        AWS_S3_ERRORS,
        "<Error><Code>InvalidToken</Code><Message>The provided token is malformed or "
        "otherwise invalid.</Message></Error>",
        weight=0.75, statuses=(400, 403),
    ),
    Signature(
        # memory: the message of an expired presigned URL (Code is AccessDenied).
        "aws-s3-presigned-expired", "Amazon S3", A,
        "body", r"<Message>Request has expired</Message>",
        "S3 says the presigned URL has expired",
        AWS_S3_ERRORS,
        "<Error><Code>AccessDenied</Code><Message>Request has expired</Message>"
        "<X-Amz-Expires>3600</X-Amz-Expires></Error>",
        weight=0.85, statuses=DENY,
        fix="Generate a fresh presigned URL (and check the client clock).",
    ),
    Signature(
        "aws-s3-all-access-disabled", "Amazon S3", C,
        "body", xml_code("AllAccessDisabled"),
        "S3 says all access to this resource has been disabled by AWS",
        AWS_S3_ERRORS,
        "<Error><Code>AllAccessDisabled</Code><Message>All access to this Amazon S3 resource "
        "has been disabled.</Message></Error>",
        weight=0.85, statuses=DENY,
        fix="Contact AWS Support: the bucket or account has been disabled.",
    ),
    Signature(
        "aws-s3-account-problem", "Amazon S3", C,
        "body", xml_code("AccountProblem"),
        "S3 says there is a problem with the AWS account",
        AWS_S3_ERRORS,
        "<Error><Code>AccountProblem</Code><Message>There is a problem with your AWS account "
        "that prevents the action from completing successfully.</Message></Error>",
        weight=0.85, statuses=DENY,
        fix="Check the account's billing and status in the AWS console or with AWS Support.",
    ),
    Signature(
        "aws-s3-slow-down", "Amazon S3", R,
        "body", xml_code("SlowDown"),
        "S3 says SlowDown: the request rate is too high",
        AWS_S3_ERRORS,
        "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message>"
        "</Error>",
        weight=0.85, statuses=(503,),
        fix="Back off and spread requests over more key prefixes.",
    ),
    Signature(
        "aws-s3-server", "Amazon S3", None,
        "header:server", r"^AmazonS3",
        "Server: AmazonS3, the answer came from S3 itself",
        AWS_S3_ERRORS, "AmazonS3",
        weight=0.4, layer=ORIGIN, statuses=ANY,
    ),
    # -- Amazon CloudFront and AWS WAF --------------------------------------------------------
    Signature(
        "aws-cloudfront-error-page", "Amazon CloudFront", None,
        "body", r"Generated by cloudfront \(CloudFront\)",
        "CloudFront's own error page: the CDN answered, not the origin",
        AWS_CF_403,
        "<H1>403 ERROR</H1><H2>The request could not be satisfied.</H2> ... "
        "Generated by cloudfront (CloudFront)",
        weight=0.5, layer=CDN, statuses=ANY,
    ),
    Signature(
        "aws-cloudfront-request-blocked", "Amazon CloudFront / AWS WAF", S,
        "body", r"The request could not be satisfied\.?[\s\S]{0,300}?Request blocked",
        "CloudFront says 'Request blocked': usually an AWS WAF rule on the distribution",
        AWS_CF_403,
        "<H2>The request could not be satisfied.</H2><HR noshade size=\"1px\">Request blocked. "
        "We can't connect to the server for this app or website at this time.",
        weight=0.6, layer=CDN, statuses=DENY,
        fix="Ask the owner to look up the request ID in the AWS WAF logs for the rule that "
            "fired.",
    ),
    Signature(
        "aws-cloudfront-geo", "Amazon CloudFront", IP,
        "body", r"configured to block access from your country",
        "CloudFront's geographic restriction blocks the country of the caller's address",
        AWS_CF_GEO,
        "The Amazon CloudFront distribution is configured to block access from your country.",
        weight=0.9, layer=CDN, statuses=DENY,
        fix="Call from an allowed country (or egress), or ask the owner to allow yours.",
    ),
    Signature(
        # memory: CloudFront's error text for disallowed methods.
        "aws-cloudfront-method", "Amazon CloudFront", C,
        "body", r"This distribution is not configured to allow the HTTP request method",
        "CloudFront is not configured to forward this HTTP method to the origin",
        AWS_CF_403,
        "This distribution is not configured to allow the HTTP request method that was used "
        "for this request. The distribution supports only cachable requests.",
        weight=0.85, layer=CDN, statuses=DENY,
        fix="Allow GET, HEAD, OPTIONS, PUT, POST, PATCH, DELETE in the cache behavior.",
    ),
    Signature(
        "aws-cloudfront-x-cache-error", "Amazon CloudFront", None,
        "header:x-cache", r"^Error from cloudfront",
        "X-Cache: Error from cloudfront, the error passed through or was made by CloudFront",
        AWS_CF_403, "Error from cloudfront",
        weight=0.4, layer=CDN, statuses=ANY,
    ),
    Signature(
        "aws-waf-action", "AWS WAF", S,
        "header:x-amzn-waf-action", r"^(?:captcha|challenge)",
        "AWS WAF answered with a CAPTCHA or challenge instead of the resource",
        AWS_WAF_CAPTCHA, "captcha",
        weight=0.85, layer=CDN, statuses=ANY,
        fix="Automated clients cannot solve it: ask the owner for a rule exception (token, "
            "IP set or label) for API traffic.",
    ),
    Signature(
        "aws-alb-server", "AWS Application Load Balancer", None,
        "header:server", r"^awselb/",
        "Server: awselb, the AWS load balancer (or AWS WAF on it) answered",
        AWS_ALB, "awselb/2.0",
        weight=0.4, layer=PROXY, statuses=ANY,
    ),
    # -- Google APIs --------------------------------------------------------------------------
    Signature(
        "google-service-disabled", "Google APIs", C,
        "body", J("reason", "SERVICE_DISABLED"),
        "Google says this API is not enabled (or was disabled) for the calling project",
        GOOGLE_REASONS,
        '{"error":{"code":403,"status":"PERMISSION_DENIED","details":[{"@type":'
        '"type.googleapis.com/google.rpc.ErrorInfo","reason":"SERVICE_DISABLED",'
        '"domain":"googleapis.com","metadata":{"consumer":"projects/123",'
        '"service":"pubsub.googleapis.com"}}]}}',
        weight=0.9, statuses=GOOGLE,
        fix="Enable the API in the project that owns the key or credentials (APIs & Services "
            "> Library), then wait a few minutes.",
    ),
    Signature(
        # memory: the message text; the reason was seen in the wild.
        "google-access-not-configured", "Google APIs (legacy errors)", C,
        "body", J("reason", "accessNotConfigured"),
        "Google says access is not configured: the API is not enabled for the project",
        GOOGLE_LEGACY,
        '{"error":{"errors":[{"domain":"usageLimits","reason":"accessNotConfigured",'
        '"message":"Access Not Configured. Drive API has not been used in project 123 before '
        'or it is disabled."}],"code":403}}',
        weight=0.85, statuses=GOOGLE,
        fix="Enable the API in the project that owns the key or credentials.",
    ),
    Signature(
        "google-billing-disabled", "Google APIs", C,
        "body", J("reason", "BILLING_DISABLED"),
        "Google says billing is disabled for the project behind this call",
        GOOGLE_REASONS,
        '{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"BILLING_DISABLED",'
        '"domain":"googleapis.com","metadata":{"consumer":"projects/123"}}',
        weight=0.85, statuses=GOOGLE,
        fix="Link an active billing account to the project.",
    ),
    Signature(
        "google-consumer-invalid", "Google APIs", C,
        "body", J("reason", "CONSUMER_(?:INVALID|SUSPENDED)"),
        "Google says the project behind this key or token is invalid, deleted or suspended",
        GOOGLE_REASONS,
        '{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"CONSUMER_INVALID",'
        '"domain":"googleapis.com","metadata":{"consumer":"projects/123"}}',
        weight=0.75, statuses=GOOGLE,
    ),
    Signature(
        "google-api-key-invalid", "Google APIs", K,
        "body", J("reason", "(?:API_KEY_INVALID|keyInvalid)"),
        "Google says the API key is invalid (not found, malformed or expired)",
        GOOGLE_REASONS,
        '{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.",'
        '"status":"INVALID_ARGUMENT","details":[{"@type":'
        '"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID"}]}}',
        weight=0.9, statuses=GOOGLE,
        fix="Copy the key again from the Credentials page (no spaces or quotes) and check it "
            "was not deleted or regenerated.",
    ),
    Signature(
        # memory: the message of a call that carries no key at all.
        "google-api-key-missing", "Google APIs", K,
        "body", r"The request is missing a valid API key|Method doesn't allow unregistered "
        r"callers",
        "Google says the request carries no API key or other caller identity",
        GOOGLE_CLOUD_ERRORS,
        '{"error":{"code":403,"message":"The request is missing a valid API key.",'
        '"status":"PERMISSION_DENIED"}}',
        weight=0.8, statuses=GOOGLE,
        fix="Send the key as ?key= or in the X-Goog-Api-Key header.",
    ),
    Signature(
        "google-api-key-service-blocked", "Google APIs", K,
        "body", J("reason", "API_KEY_SERVICE_BLOCKED"),
        "Google says this API key's API restrictions do not include this API",
        GOOGLE_REASONS,
        '{"reason":"API_KEY_SERVICE_BLOCKED","domain":"googleapis.com","metadata":'
        '{"consumer":"projects/123","service":"storage.googleapis.com"}}',
        weight=0.85, statuses=GOOGLE,
        fix="Add this API to the key's API restrictions, or use a key meant for it.",
    ),
    Signature(
        "google-api-key-referrer-blocked", "Google APIs", IP,
        "body", J("reason", "API_KEY_HTTP_REFERRER_BLOCKED"),
        "Google says the request's HTTP referrer is not allowed by the key's restrictions",
        GOOGLE_REASONS,
        '{"reason":"API_KEY_HTTP_REFERRER_BLOCKED","domain":"googleapis.com","metadata":'
        '{"consumer":"projects/123","service":"storage.googleapis.com"}}',
        weight=0.85, statuses=GOOGLE,
        fix="Add the calling site to the key's referrer list; server-side callers need a key "
            "restricted by IP address instead.",
    ),
    Signature(
        "google-api-key-ip-blocked", "Google APIs", IP,
        "body", J("reason", "API_KEY_IP_ADDRESS_BLOCKED"),
        "Google says the caller's IP address is not allowed by the key's restrictions",
        GOOGLE_REASONS,
        '{"reason":"API_KEY_IP_ADDRESS_BLOCKED","domain":"googleapis.com","metadata":'
        '{"consumer":"projects/123","service":"storage.googleapis.com"}}',
        weight=0.9, statuses=GOOGLE,
        fix="Add the egress address Google sees (IPv4 and IPv6) to the key's IP restrictions.",
    ),
    Signature(
        "google-api-key-app-blocked", "Google APIs", IP,
        "body", J("reason", "API_KEY_(?:ANDROID|IOS)_APP_BLOCKED"),
        "Google says the calling app is not allowed by the key's Android/iOS restrictions",
        GOOGLE_REASONS,
        '{"reason":"API_KEY_ANDROID_APP_BLOCKED","domain":"googleapis.com","metadata":'
        '{"consumer":"projects/123","service":"storage.googleapis.com"}}',
        weight=0.8, statuses=GOOGLE,
        fix="Add the app's package name and signing certificate (or bundle ID) to the key.",
    ),
    Signature(
        "google-ip-referer-blocked", "Google APIs (legacy errors)", IP,
        "body", J("reason", "ipRefererBlocked"),
        "Google says a per-IP or per-referrer restriction on the key does not match",
        YOUTUBE_ERRORS,
        '{"error":{"errors":[{"domain":"usageLimits","reason":"ipRefererBlocked","message":'
        '"There is a per-IP or per-Referer restriction configured on your API key and the '
        'request does not match these restrictions."}],"code":403}}',
        weight=0.85, statuses=GOOGLE,
    ),
    Signature(
        "google-scope-insufficient", "Google APIs", P,
        "body", J("reason", "ACCESS_TOKEN_SCOPE_INSUFFICIENT"),
        "Google says the access token lacks a scope this method requires",
        GOOGLE_REASONS,
        '{"error":{"code":403,"message":"Request had insufficient authentication scopes.",'
        '"status":"PERMISSION_DENIED","details":[{"@type":'
        '"type.googleapis.com/google.rpc.ErrorInfo","reason":"ACCESS_TOKEN_SCOPE_INSUFFICIENT",'
        '"domain":"googleapis.com"}]}}',
        weight=0.9, statuses=GOOGLE,
        fix="Request a token with the scope listed in the method's documentation (users must "
            "consent again).",
    ),
    Signature(
        "google-insufficient-scopes-message", "Google APIs", P,
        "body", r"Request had insufficient authentication scopes",
        "Google says the token was granted too few OAuth scopes",
        GOOGLE_AIP193,
        '{"error":{"code":403,"message":"Request had insufficient authentication scopes.",'
        '"errors":[{"reason":"insufficientPermissions"}]}}',
        weight=0.7, statuses=GOOGLE,
    ),
    Signature(
        # memory: the ErrorInfo of an IAM check; the reason name is in AIP-193's examples.
        "google-iam-permission-denied", "Google Cloud IAM", P,
        "body", J("reason", "IAM_PERMISSION_DENIED"),
        "Google Cloud IAM says the principal lacks the permission named in the error",
        GOOGLE_AIP193,
        '{"error":{"code":403,"message":"Permission \'storage.buckets.get\' denied on '
        'resource (or it may not exist).","status":"PERMISSION_DENIED","details":[{"@type":'
        '"type.googleapis.com/google.rpc.ErrorInfo","reason":"IAM_PERMISSION_DENIED",'
        '"domain":"iam.googleapis.com"}]}}',
        weight=0.85, statuses=GOOGLE,
        fix="Grant a role containing the named permission on the resource (or a parent).",
    ),
    Signature(
        "google-insufficient-permissions", "Google APIs (legacy errors)", P,
        "body", J("reason", "insufficientPermissions"),
        "Google's legacy error says the caller lacks permission for this resource",
        GOOGLE_LEGACY,
        '{"error":{"errors":[{"domain":"global","reason":"insufficientPermissions",'
        '"message":"Insufficient Permission"}],"code":403}}',
        weight=0.6, statuses=GOOGLE,
    ),
    Signature(
        "google-rate-limit-exceeded", "Google APIs", R,
        "body", J("reason", "RATE_LIMIT_EXCEEDED"),
        "Google says the project's rate quota is used up for now",
        GOOGLE_REASONS,
        '{"reason":"RATE_LIMIT_EXCEEDED","domain":"googleapis.com","metadata":{"consumer":'
        '"projects/123","quota_metric":"pubsub.googleapis.com/read_requests",'
        '"quota_limit":"ReadsPerMinutePerProject"}}',
        weight=0.85, statuses=GOOGLE,
        fix="Back off and retry; request a higher quota for the metric named in the error.",
    ),
    Signature(
        "google-resource-quota-exceeded", "Google APIs", R,
        "body", J("reason", "RESOURCE_QUOTA_EXCEEDED"),
        "Google says a resource quota of the project is used up",
        GOOGLE_REASONS,
        '{"reason":"RESOURCE_QUOTA_EXCEEDED","domain":"googleapis.com","metadata":'
        '{"consumer":"projects/123","quota_limit":"VMsPerProject"}}',
        weight=0.7, statuses=GOOGLE,
    ),
    Signature(
        "google-resource-exhausted", "Google APIs", R,
        "body", J("status", "RESOURCE_EXHAUSTED"),
        "Google's canonical status is RESOURCE_EXHAUSTED: a quota or rate limit was hit",
        GOOGLE_AIP193,
        '{"error":{"code":429,"message":"Quota exceeded for quota metric \'Requests\'.",'
        '"status":"RESOURCE_EXHAUSTED"}}',
        weight=0.65, statuses=GOOGLE,
    ),
    Signature(
        # memory: userRateLimitExceeded wording (rateLimitExceeded seen in the wild).
        "google-legacy-rate-limit", "Google APIs (legacy errors)", R,
        "body", J("reason", "(?:rateLimitExceeded|userRateLimitExceeded)"),
        "Google's legacy error says the per-user or per-project rate limit was exceeded",
        GOOGLE_LEGACY,
        '{"error":{"errors":[{"domain":"usageLimits","reason":"userRateLimitExceeded",'
        '"message":"User Rate Limit Exceeded"}],"code":403}}',
        weight=0.85, statuses=GOOGLE,
        fix="Back off exponentially; spread requests across users or time.",
    ),
    Signature(
        # memory: the reason names and message as the pages list them.
        "google-legacy-quota", "Google APIs (legacy errors)", R,
        "body", J("reason", "(?:quotaExceeded|dailyLimitExceeded)"),
        "Google's legacy error says the daily or project quota is used up",
        YOUTUBE_ERRORS,
        '{"error":{"errors":[{"domain":"youtube.quota","reason":"quotaExceeded","message":'
        '"The request cannot be completed because you have exceeded your quota."}],'
        '"code":403}}',
        weight=0.8, statuses=GOOGLE,
        fix="Wait for the quota to reset (often midnight Pacific) or request more quota.",
    ),
    Signature(
        "google-access-token-expired", "Google APIs", A,
        "body", J("reason", "ACCESS_TOKEN_EXPIRED"),
        "Google says the OAuth access token has expired",
        GOOGLE_REASONS,
        '{"reason":"ACCESS_TOKEN_EXPIRED","domain":"googleapis.com","metadata":{}}',
        weight=0.9, statuses=GOOGLE,
        fix="Refresh the access token (they last about an hour) and retry.",
    ),
    Signature(
        # memory: the UNAUTHENTICATED message of Google's front end.
        "google-invalid-credentials", "Google APIs", A,
        "body", r"Request had invalid authentication credentials",
        "Google rejected the credential presented: the token is invalid or expired",
        GOOGLE_CLOUD_ERRORS,
        '{"error":{"code":401,"message":"Request had invalid authentication credentials. '
        'Expected OAuth 2 access token, login cookie or other valid authentication '
        'credential.","status":"UNAUTHENTICATED"}}',
        weight=0.7, statuses=GOOGLE,
    ),
    Signature(
        "google-vpc-sc", "Google Cloud VPC Service Controls", S,
        "body", J("reason", "SECURITY_POLICY_VIOLATED"),
        "Google says the request violates a VPC Service Controls perimeter or access level",
        GOOGLE_REASONS,
        '{"reason":"SECURITY_POLICY_VIOLATED","domain":"googleapis.com","metadata":'
        '{"uid":"123456789abcde","consumer":"projects/123"}}',
        weight=0.8, statuses=GOOGLE,
        fix="Give the administrator the unique id from the error; they can add an access "
            "level (e.g. your IP range) or an ingress rule.",
    ),
    # -- GitHub -------------------------------------------------------------------------------
    Signature(
        "github-rate-limit", "GitHub", R,
        "body", r"API rate limit exceeded for (?:user ID|installation ID|[\d.:a-f]+)",
        "GitHub says the primary rate limit for this user, app or address is used up",
        GH_RATE,
        '{"message":"API rate limit exceeded for 203.0.113.5. (But here\'s the good news: '
        'Authenticated requests get a higher rate limit.)"}',
        weight=0.9, statuses=LIMIT,
        fix="Wait until X-RateLimit-Reset, and authenticate: unauthenticated calls get 60 "
            "requests an hour.",
    ),
    Signature(
        "github-secondary-rate-limit", "GitHub", R,
        "body", r"You have exceeded a secondary rate limit",
        "GitHub says a secondary rate limit (concurrency, burst or content creation) was hit",
        GH_RATE,
        '{"message":"You have exceeded a secondary rate limit. Please wait a few minutes '
        'before you try again."}',
        weight=0.9, statuses=LIMIT,
        fix="Honour Retry-After, make requests serially, and pause between write requests.",
    ),
    Signature(
        # memory: wording as GitHub answers it (widely quoted).
        "github-not-accessible-integration", "GitHub", P,
        "body", r"Resource not accessible by integration",
        "GitHub says the GitHub App or GITHUB_TOKEN lacks a permission for this resource",
        GH_TROUBLE, '{"message":"Resource not accessible by integration","status":"403"}',
        weight=0.85, statuses=DENY,
        fix="Grant the app (or the workflow's permissions: block) the permission this "
            "endpoint lists, and check the app is installed on this repository.",
    ),
    Signature(
        # memory: wording of the fine-grained token refusal.
        "github-not-accessible-pat", "GitHub", P,
        "body", r"Resource not accessible by personal access token",
        "GitHub says the fine-grained personal access token lacks a permission or repository",
        GH_TROUBLE, '{"message":"Resource not accessible by personal access token"}',
        weight=0.85, statuses=DENY,
        fix="Edit the token: add this repository and the permission the endpoint lists.",
    ),
    Signature(
        "github-sso-header", "GitHub", P,
        "header:x-github-sso", r"^required",
        "GitHub says the token must be authorised for the organisation's SAML single sign-on",
        GH_SSO, "required; url=https://github.com/orgs/octo-org/sso?authorization_request=AZ",
        weight=0.85, statuses=DENY,
        fix="Open the URL in the X-GitHub-SSO header (or 'Configure SSO' on the token) and "
            "authorise it for the organisation.",
    ),
    Signature(
        "github-saml-enforcement", "GitHub", P,
        "body", r"Resource protected by organization SAML enforcement",
        "GitHub says this organisation's SAML enforcement blocks the token",
        GH_SSO,
        '{"message":"Resource protected by organization SAML enforcement. You must grant your '
        'Personal Access token access to this organization."}',
        weight=0.85, statuses=DENY,
    ),
    Signature(
        "github-user-agent-required", "GitHub", S,
        "body", r"Please make sure your request has a User-Agent header",
        "GitHub refuses requests without a User-Agent header",
        GH_UA,
        "Request forbidden by administrative rules. Please make sure your request has a "
        "User-Agent header (https://docs.github.com/en/rest/overview/"
        "resources-in-the-rest-api#user-agent-required).",
        weight=0.9, statuses=DENY,
        fix="Send a User-Agent header naming your app or user name.",
    ),
    Signature(
        "github-ip-allow-list", "GitHub", IP,
        "body", r"has an IP allow list enabled, and your IP address is not permitted",
        "GitHub says the organisation's IP allow list does not include the caller's address",
        GH_IP,
        '{"message":"Although you appear to have the correct authorization credentials, the '
        '`octo-org` organization has an IP allow list enabled, and your IP address is not '
        'permitted to access this resource."}',
        weight=0.9, statuses=DENY,
        fix="Ask an organisation owner to add your egress address (or the runner's) to the "
            "allow list.",
    ),
    Signature(
        # memory: wording of the OAuth App restriction refusal.
        "github-oauth-app-restrictions", "GitHub", C,
        "body", r"organization has enabled OAuth App access restrictions",
        "GitHub says the organisation restricts third-party OAuth App access",
        GH_OAUTH_RESTRICT,
        '{"message":"Although you appear to have the correct authorization credentials, the '
        '`octo-org` organization has enabled OAuth App access restrictions, meaning that data '
        'access to third-parties is limited."}',
        weight=0.8, statuses=DENY,
        fix="Ask an organisation owner to approve this OAuth App.",
    ),
    Signature(
        # memory: wording of the admin-only endpoints' refusal.
        "github-admin-rights", "GitHub", P,
        "body", r"Must have admin rights to Repository",
        "GitHub says this operation needs admin rights on the repository",
        GH_TROUBLE, '{"message":"Must have admin rights to Repository."}',
        weight=0.8, statuses=DENY,
    ),
    Signature(
        "github-bad-credentials", "GitHub", K,
        "body", J("message", "Bad credentials") + r'\s*,\s*"documentation_url"\s*:\s*'
        r'"https://docs\.github\.com',
        "GitHub does not accept the token: invalid, expired or revoked",
        GH_TROUBLE,
        '{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest",'
        '"status":"401"}',
        weight=0.75, statuses=AUTH,
        fix="Create a new token (check its expiry date) and send it as 'Authorization: "
            "Bearer <token>'.",
    ),
    Signature(
        # memory: wording of GitHub's failed-login lockout.
        "github-login-attempts", "GitHub", S,
        "body", r"Maximum number of login attempts exceeded",
        "GitHub temporarily blocks authentication after repeated bad credentials",
        GH_TROUBLE, '{"message":"Maximum number of login attempts exceeded. Please try again '
        'later."}',
        weight=0.7, statuses=DENY,
        fix="Stop retrying with the bad credential, fix it, and wait before trying again.",
    ),
    Signature(
        # memory: the header's format.
        "github-request-id", "GitHub", None,
        "has:x-github-request-id", "",
        "X-GitHub-Request-Id is present: GitHub's API answered",
        GH_TROUBLE, "CC2A:6D0E:1A2B3C:1B2C3D:65A1B2C3",
        weight=0.35, layer=ORIGIN, statuses=ANY,
    ),
    # -- Microsoft Azure ------------------------------------------------------------------------
    Signature(
        "azure-apim-missing-key", "Azure API Management", K,
        "body", r"Access denied due to missing subscription key",
        "Azure API Management says no subscription key was sent",
        AZ_APIM_KEYS,
        '{"statusCode":401,"message":"Access denied due to missing subscription key. Make sure '
        'to include subscription key when making requests to an API."}',
        weight=0.9, layer=GATEWAY, statuses=AUTH,
        fix="Send the key in the Ocp-Apim-Subscription-Key header (or the subscription-key "
            "query parameter, or the names the API configures).",
    ),
    Signature(
        "azure-apim-invalid-key", "Azure API Management", K,
        "body", r"Access denied due to invalid subscription key",
        "Azure API Management says the subscription key is not valid for an active "
        "subscription to this API",
        AZ_APIM_KEYS,
        '{"statusCode":401,"message":"Access denied due to invalid subscription key. Make sure '
        'to provide a valid key for an active subscription."}',
        weight=0.9, layer=GATEWAY, statuses=AUTH,
        fix="Use the primary or secondary key of an active subscription whose product "
            "includes this API.",
    ),
    Signature(
        "azure-apim-quota", "Azure API Management", R,
        "body", r"Out of call volume quota",
        "Azure API Management says the subscription's call quota is used up",
        AZ_APIM_QUOTA,
        '{"statusCode":403,"message":"Out of call volume quota. Quota will be replenished in '
        '00:59:59."}',
        weight=0.9, layer=GATEWAY, statuses=LIMIT,
        fix="Wait for the time in the message, or move to a product with a larger quota.",
    ),
    Signature(
        # memory: the bandwidth variant of the quota policy's message.
        "azure-apim-bandwidth-quota", "Azure API Management", R,
        "body", r"Out of bandwidth quota",
        "Azure API Management says the subscription's bandwidth quota is used up",
        AZ_APIM_QUOTA,
        '{"statusCode":403,"message":"Out of bandwidth quota. Quota will be replenished in '
        '00:59:59."}',
        weight=0.85, layer=GATEWAY, statuses=LIMIT,
    ),
    Signature(
        # memory: the exact sentence; the 429 from rate-limit is documented.
        "azure-apim-rate-limit", "Azure API Management", R,
        "body", r"Rate limit is exceeded\. Try again in \d+ seconds",
        "Azure API Management's rate-limit policy throttled the call",
        AZ_APIM_RATE,
        '{"statusCode":429,"message":"Rate limit is exceeded. Try again in 5 seconds."}',
        weight=0.9, layer=GATEWAY, statuses=THROTTLE,
        fix="Wait the seconds in the message (or Retry-After) and pace requests below the "
            "policy's calls-per-period.",
    ),
    Signature(
        "azure-arm-authorization-failed", "Azure Resource Manager", P,
        "body", J("code", "AuthorizationFailed"),
        "Azure says the client does not have authorization to perform the action on the scope",
        AZ_ARM,
        '{"error":{"code":"AuthorizationFailed","message":"The client \'app-id\' with object '
        "id 'obj-id' does not have authorization to perform action 'Microsoft.Resources/"
        "subscriptions/resourcegroups/read' over scope '/subscriptions/sub-id' or the scope "
        "is invalid. If access was recently granted, please refresh your credentials.\"}}",
        weight=0.85, statuses=DENY,
        fix="Assign a role that includes the action on that scope, then get a new token.",
    ),
    Signature(
        # memory: the code and message of ARM / Graph.
        "azure-invalid-auth-token", "Azure / Microsoft Graph", A,
        "body", J("code", "InvalidAuthenticationToken"),
        "Azure rejected the bearer token: invalid, expired or for another resource",
        AZ_ARM,
        '{"error":{"code":"InvalidAuthenticationToken","message":"The access token is '
        'invalid."}}',
        weight=0.8, statuses=AUTH,
    ),
    Signature(
        # memory: the code and message of ARM.
        "azure-expired-auth-token", "Azure Resource Manager", A,
        "body", J("code", "ExpiredAuthenticationToken"),
        "Azure says the access token has expired",
        AZ_ARM,
        '{"error":{"code":"ExpiredAuthenticationToken","message":"The access token expiry UTC '
        "time '1/1/2024 10:00:00 AM' is earlier than current UTC time '1/1/2024 11:00:00 "
        "AM'.\"}}",
        weight=0.9, statuses=AUTH,
        fix="Acquire a new token before expiry (and check the client clock).",
    ),
    Signature(
        # memory: the code and message of ARM.
        "azure-token-audience", "Azure Resource Manager", A,
        "body", J("code", "InvalidAuthenticationTokenAudience"),
        "Azure says the token was issued for another audience (resource)",
        AZ_ARM,
        '{"error":{"code":"InvalidAuthenticationTokenAudience","message":"The access token '
        "has been obtained for wrong audience or resource 'https://graph.microsoft.com'.\"}}",
        weight=0.9, statuses=AUTH,
        fix="Request the token for this API's resource or scope "
            "(e.g. https://management.azure.com/.default).",
    ),
    Signature(
        "azure-authentication-failed", "Azure Storage", A,
        "body", xml_code("AuthenticationFailed") + "|" + J("code", "AuthenticationFailed"),
        "Azure could not authenticate the request: a bad signature, key, SAS or clock",
        AZ_STORAGE,
        "<Error><Code>AuthenticationFailed</Code><Message>Server failed to authenticate the "
        "request. Make sure the value of Authorization header is formed correctly including "
        "the signature.</Message></Error>",
        weight=0.8, statuses=AUTH,
        fix="Check the account key or SAS (expiry, signed fields) and the client clock.",
    ),
    Signature(
        "azure-storage-permission-mismatch", "Azure Storage", P,
        "body", xml_code("AuthorizationPermissionMismatch"),
        "Azure Storage says the identity or SAS lacks the permission for this operation",
        AZ_STORAGE,
        "<Error><Code>AuthorizationPermissionMismatch</Code><Message>This request is not "
        "authorized to perform this operation using this permission.</Message></Error>",
        weight=0.85, statuses=DENY,
        fix="Assign a data role (e.g. Storage Blob Data Reader/Contributor); management "
            "roles like Owner do not grant data access.",
    ),
    Signature(
        "azure-storage-authorization-failure", "Azure Storage", IP,
        "body", xml_code("AuthorizationFailure"),
        "Azure Storage refused the request without naming a permission: most often the "
        "account firewall or a private endpoint rule excludes the caller's network",
        AZ_STORAGE,
        "<Error><Code>AuthorizationFailure</Code><Message>This request is not authorized to "
        "perform this operation.</Message></Error>",
        weight=0.55, statuses=DENY,
        fix="Check the storage account's Networking page: add the caller's public IP or "
            "virtual network, or use the private endpoint.",
    ),
    Signature(
        "azure-storage-source-ip", "Azure Storage", IP,
        "body", xml_code("AuthorizationSourceIPMismatch"),
        "Azure Storage says the caller's IP address is outside the SAS token's allowed range",
        AZ_SAS,
        "<Error><Code>AuthorizationSourceIPMismatch</Code><Message>This request is not "
        "authorized to perform this operation using this source IP 203.0.113.5.</Message>"
        "</Error>",
        weight=0.9, statuses=DENY,
        fix="Issue a SAS whose sip range includes your egress address.",
    ),
    Signature(
        # memory: the code name; the page lists it among the 403 codes.
        "azure-storage-key-auth-not-permitted", "Azure Storage", C,
        "body", xml_code("KeyBasedAuthenticationNotPermitted"),
        "Azure Storage says shared key authorisation is disabled on this account",
        AZ_STORAGE,
        "<Error><Code>KeyBasedAuthenticationNotPermitted</Code><Message>Key based "
        "authentication is not permitted on this storage account.</Message></Error>",
        weight=0.85, statuses=DENY,
        fix="Use Microsoft Entra ID (OAuth) auth, or ask the owner to allow shared keys.",
    ),
    Signature(
        # memory: the Graph code and message.
        "azure-graph-request-denied", "Microsoft Graph", P,
        "body", J("code", "Authorization_RequestDenied"),
        "Microsoft Graph says the app or user lacks the privileges for this operation",
        MS_GRAPH,
        '{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to '
        'complete the operation."}}',
        weight=0.85, statuses=DENY,
        fix="Add the Graph permission the endpoint lists and have an admin grant consent.",
    ),
    Signature(
        # observed: seen in the wild (Outlook calendar API).
        "azure-graph-access-denied", "Microsoft Graph", P,
        "body", J("code", "ErrorAccessDenied"),
        "Microsoft Graph says access is denied for this mailbox or resource",
        MS_GRAPH,
        '{"error":{"code":"ErrorAccessDenied","message":"Access is denied. Check credentials '
        'and try again."}}',
        weight=0.7, statuses=DENY,
    ),
    Signature(
        # memory: English wording of the default block text (the page was read in translation).
        "azure-front-door-waf", "Azure Front Door WAF", S,
        "body", r"The request is blocked\.",
        "Azure Front Door's web application firewall blocked the request (default block text)",
        AZ_FD_WAF, "The request is blocked.",
        weight=0.45, layer=CDN, statuses=DENY,
        fix="Give the owner the x-azure-ref value so they can find the rule in the WAF log.",
    ),
    Signature(
        "azure-front-door-ref", "Azure Front Door", None,
        "has:x-azure-ref", "",
        "X-Azure-Ref is present: Azure Front Door (or Azure CDN) handled the request",
        AZ_FD_HEADERS, "0zxV+XAAAAABKMmSQ1kqxRpfD0iAYwgEQRVdSRURHRTA4MDcAZTM0NTg0MjM",
        weight=0.4, layer=CDN, statuses=ANY,
    ),
    Signature(
        "azure-app-gateway-server", "Azure Application Gateway", None,
        "header:server", r"^Microsoft-Azure-Application-Gateway",
        "Server: Microsoft-Azure-Application-Gateway, the gateway (or its WAF) answered",
        AZ_APPGW, "Microsoft-Azure-Application-Gateway/v2",
        weight=0.45, layer=PROXY, statuses=ANY,
    ),
    # -- Tyk Gateway --------------------------------------------------------------------------
    Signature(
        "tyk-api-disallowed", "Tyk Gateway", K,
        "body", J("error", r"Access to this API has been disallowed\.?"),
        "Tyk says access to this API is disallowed: the key is unknown, or it has no access "
        "rights to this API or version",
        TYK_SRC + "mw_auth_key.go",
        '{"error": "Access to this API has been disallowed"}',
        weight=0.6, layer=GATEWAY, statuses=(400, 403),
        fix="Check the key exists (not deleted or expired) and that its policy grants this "
            "API and version.",
    ),
    Signature(
        "tyk-auth-field-missing", "Tyk Gateway", K,
        "body", J("error", "Authori[sz]ation field missing"),
        "Tyk says the request carries no key in the authorization header it expects",
        TYK_SRC + "handler_error.go", '{"error": "Authorization field missing"}',
        weight=0.85, layer=GATEWAY, statuses=(400, 401, 403),
        fix="Send the key in the header the API definition names (Authorization by default).",
    ),
    Signature(
        "tyk-key-not-authorised", "Tyk Gateway", K,
        "body", tyk(r"Key not authori[sz]ed[^\"]*"),
        "Tyk says the key or token is not authorised (unknown key or revoked OAuth client)",
        TYK_SRC + "handler_error.go", '{"error": "Key not authorised"}',
        weight=0.7, layer=GATEWAY, statuses=AUTH,
    ),
    Signature(
        "tyk-key-expired", "Tyk Gateway", K,
        "body", J("error", "Key has expired, please renew"),
        "Tyk says the API key has expired",
        TYK_SRC + "mw_key_expired_check.go", '{"error": "Key has expired, please renew"}',
        weight=0.85, layer=GATEWAY, statuses=AUTH,
        fix="Renew the key (or issue a new one) in the Tyk dashboard or portal.",
    ),
    Signature(
        "tyk-key-inactive", "Tyk Gateway", K,
        "body", J("error", "Key is inactive, please renew"),
        "Tyk says the API key has been deactivated",
        TYK_SRC + "mw_key_expired_check.go", '{"error": "Key is inactive, please renew"}',
        weight=0.85, layer=GATEWAY, statuses=AUTH,
    ),
    Signature(
        "tyk-rate-limit", "Tyk Gateway", R,
        "body", tyk("(?:API )?Rate Limit Exceeded"),
        "Tyk's rate limiter throttled this key or API",
        TYK_SRC + "mw_rate_limiting.go", '{"error": "Rate Limit Exceeded"}',
        weight=0.85, layer=GATEWAY, statuses=LIMIT,
    ),
    Signature(
        "tyk-quota", "Tyk Gateway", R,
        "body", tyk("Quota exceeded"),
        "Tyk says the key's request quota is used up (Tyk answers this with 403)",
        TYK_SRC + "mw_rate_limiting.go", '{"error": "Quota exceeded"}',
        weight=0.9, layer=GATEWAY, statuses=LIMIT,
        fix="Wait for the quota period to renew or raise the key's quota in its policy.",
    ),
    Signature(
        "tyk-ip-disallowed", "Tyk Gateway", IP,
        "body", J("error", "access from this IP has been disallowed"),
        "Tyk's IP allow or block list rejects the caller's address",
        TYK_SRC + "mw_ip_whitelist.go", '{"error": "access from this IP has been disallowed"}',
        weight=0.9, layer=GATEWAY, statuses=DENY,
        fix="Add your egress address to the API's allowed IPs (or remove it from the block "
            "list).",
    ),
    Signature(
        "tyk-endpoint-forbidden", "Tyk Gateway", C,
        "body", J("error", "Requested endpoint is forbidden"),
        "Tyk's endpoint rules block this path and method (block list, or not on the allow "
        "list)",
        TYK_SRC + "api_definition.go", '{"error": "Requested endpoint is forbidden"}',
        weight=0.75, layer=GATEWAY, statuses=DENY,
        fix="Check the API definition's allow/block lists for this path and method.",
    ),
    Signature(
        "tyk-resource-disallowed", "Tyk Gateway", P,
        "body", J("error", "access to this resource has been disallowed"),
        "Tyk's granular access rights for this key exclude this path or method",
        TYK_SRC + "mw_granular_access.go",
        '{"error": "Access to this resource has been disallowed"}',
        weight=0.75, layer=GATEWAY, statuses=DENY,
        fix="Add the path and method to the key's or policy's allowed URLs.",
    ),
    Signature(
        "tyk-version", "Tyk Gateway", C,
        "body", r"Attempted access to disallowed version / path|This API version does not seem "
        r"to exist|Api Version has expired|API has expired, please check documentation",
        "Tyk says the API version requested does not exist, has expired or is disallowed",
        TYK_SRC + "api_definition.go", '{"error": "This API version does not seem to exist"}',
        weight=0.7, layer=GATEWAY, statuses=(400, 403),
        fix="Send the version header or path the API definition expects.",
    ),
    Signature(
        "tyk-org-disabled", "Tyk Gateway", C,
        "body", r"this organi[sz]ation access has been disabled",
        "Tyk says the organisation owning this API is disabled or over its quota",
        TYK_SRC + "mw_organisation_activity.go",
        '{"error": "this organisation access has been disabled, please contact your API '
        'administrator"}',
        weight=0.7, layer=GATEWAY, statuses=DENY,
    ),
    Signature(
        "tyk-generator", "Tyk Gateway", None,
        "header:x-generator", r"^tyk\.io",
        "X-Generator: tyk.io, the Tyk gateway produced this error itself",
        TYK_SRC + "handler_error.go", "tyk.io",
        weight=0.5, layer=GATEWAY, statuses=ANY,
    ),
    # -- Kong Gateway -------------------------------------------------------------------------
    Signature(
        "kong-no-api-key", "Kong Gateway", K,
        "body", r"No API key found in request",
        "Kong's key-auth plugin found no API key in the request",
        KONG_SRC + "plugins/key-auth/handler.lua", '{"message":"No API key found in request"}',
        weight=0.9, layer=GATEWAY, statuses=AUTH,
        fix="Send the key in the header or query parameter named by key_names (default "
            "'apikey').",
    ),
    Signature(
        "kong-invalid-credentials", "Kong Gateway", K,
        "body", J("message", "(?:Invalid authentication credentials|Your authentication "
                             "credentials are invalid)"),
        "Kong's authentication plugin does not know this key or credential",
        KONG_SRC + "plugins/key-auth/handler.lua",
        '{"message":"Invalid authentication credentials"}',
        weight=0.8, layer=GATEWAY, statuses=AUTH,
    ),
    Signature(
        "kong-acl", "Kong Gateway", P,
        "body", r"You cannot consume this service",
        "Kong's ACL plugin: the consumer is not in a group allowed on this service or route",
        KONG_SRC + "plugins/acl/handler.lua", '{"message":"You cannot consume this service"}',
        weight=0.85, layer=GATEWAY, statuses=DENY,
        fix="Add the consumer to an allowed ACL group (or remove it from a denied one).",
    ),
    Signature(
        "kong-ip-restriction", "Kong Gateway", IP,
        "body", r"Your IP address is not allowed|IP address not allowed: ",
        "Kong's ip-restriction plugin rejects the caller's address (Apache APISIX uses the "
        "same default text)",
        KONG_SRC + "plugins/ip-restriction/handler.lua",
        '{"message":"IP address not allowed: 203.0.113.5"}',
        weight=0.9, layer=GATEWAY, statuses=DENY,
        fix="Add the address Kong sees (check X-Forwarded-For / trusted_ips) to the allow "
            "list.",
    ),
    Signature(
        "kong-rate-limit", "Kong Gateway", R,
        "body", J("message", "API rate limit exceeded(?: for '[^']*')?"),
        "Kong's rate-limiting plugin throttled the request",
        KONG_SRC + "plugins/rate-limiting/schema.lua", '{"message":"API rate limit exceeded"}',
        weight=0.85, layer=GATEWAY, statuses=LIMIT,
    ),
    Signature(
        "kong-no-route", "Kong Gateway", C,
        "body", r"no Route matched with those values",
        "Kong has no route for this host, path and method",
        KONG_SRC + "runloop/handler.lua", '{"message":"no Route matched with those values"}',
        weight=0.85, layer=GATEWAY, statuses=(404,),
        fix="Check the host, path prefix and method against the Kong route definitions.",
    ),
    Signature(
        "kong-server", "Kong Gateway", None,
        "header:server", r"^kong/",
        "Server: kong/..., Kong generated this response",
        KONG_HEADERS, "kong/3.6.1",
        weight=0.5, layer=GATEWAY, statuses=ANY,
    ),
    Signature(
        # memory: the Via format of Kong 3.x.
        "kong-via", "Kong Gateway", None,
        "header:via", r"\bkong/\d",
        "Via names Kong: the request passed through a Kong gateway",
        KONG_HEADERS, "1.1 kong/3.6.1",
        weight=0.35, layer=GATEWAY, statuses=ANY,
    ),
    Signature(
        "kong-response-latency", "Kong Gateway", None,
        "has:x-kong-response-latency", "",
        "X-Kong-Response-Latency is set only when Kong answers without the upstream",
        KONG_HEADERS, "2",
        weight=0.5, layer=GATEWAY, statuses=ANY,
    ),
    Signature(
        "kong-upstream-latency", "Kong Gateway", None,
        "has:x-kong-upstream-latency", "",
        "X-Kong-Upstream-Latency is present: the upstream API answered through Kong",
        KONG_HEADERS, "37",
        weight=0.4, layer=ORIGIN, statuses=ANY,
    ),
    # -- Apigee -------------------------------------------------------------------------------
    Signature(
        # memory: the faultstring; the errorcode was seen in the wild.
        "apigee-invalid-api-key", "Apigee", K,
        "body", r"oauth\.v2\.InvalidApiKey\b(?!ForGivenResource)",
        "Apigee says the API key is invalid (unknown or revoked)",
        APIGEE_RT + "verify-api-key-runtime-errors",
        '{"fault":{"faultstring":"Invalid ApiKey","detail":{"errorcode":'
        '"oauth.v2.InvalidApiKey"}}}',
        weight=0.9, layer=GATEWAY, statuses=AUTH,
    ),
    Signature(
        "apigee-key-not-for-resource", "Apigee", K,
        "body", r"oauth\.v2\.InvalidApiKeyForGivenResource",
        "Apigee says the key is valid but not approved for an API product covering this path",
        APIGEE_RT + "verify-api-key-runtime-errors",
        '{"fault":{"faultstring":"Invalid ApiKey for given resource","detail":{"errorcode":'
        '"oauth.v2.InvalidApiKeyForGivenResource"}}}',
        weight=0.85, layer=GATEWAY, statuses=AUTH,
        fix="Add an API product that includes this proxy and path to the app, and approve it.",
    ),
    Signature(
        # observed: the faultstring (seen from an Apigee-fronted API); the errorcode is
        # the VerifyAPIKey one.
        "apigee-app-not-approved", "Apigee", K,
        "body", r"keymanagement\.service\.invalid_client-app_not_approved",
        "Apigee says the developer app or its key is not approved (pending or revoked)",
        APIGEE_RT + "verify-api-key-runtime-errors",
        '{"fault":{"faultstring":"App not Approved","detail":{"errorcode":'
        '"keymanagement.service.invalid_client-app_not_approved"}}}',
        weight=0.85, layer=GATEWAY, statuses=AUTH,
    ),
    Signature(
        # observed: errorcode seen in the wild; faultstring from memory.
        "apigee-key-not-resolved", "Apigee", K,
        "body", r"steps\.oauth\.v2\.FailedToResolveAPIKey",
        "Apigee found no API key where the proxy looks for it",
        APIGEE_RT + "verify-api-key-runtime-errors",
        '{"fault":{"faultstring":"Failed to resolve API Key variable request.queryparam.apikey",'
        '"detail":{"errorcode":"steps.oauth.v2.FailedToResolveAPIKey"}}}',
        weight=0.85, layer=GATEWAY, statuses=AUTH,
    ),
    Signature(
        "apigee-invalid-access-token", "Apigee", A,
        "body", r"keymanagement\.service\.invalid_access_token|oauth\.v2\.InvalidAccessToken",
        "Apigee says the access token is invalid",
        APIGEE_RT + "oauthv2-policy-runtime-errors",
        '{"fault":{"faultstring":"Invalid Access Token","detail":{"errorcode":'
        '"keymanagement.service.invalid_access_token"}}}',
        weight=0.8, layer=GATEWAY, statuses=AUTH,
    ),
    Signature(
        "apigee-access-token-expired", "Apigee", A,
        "body", r"keymanagement\.service\.access_token_expired",
        "Apigee says the access token has expired",
        APIGEE_RT + "oauthv2-policy-runtime-errors",
        '{"fault":{"faultstring":"Access Token expired","detail":{"errorcode":'
        '"keymanagement.service.access_token_expired"}}}',
        weight=0.9, layer=GATEWAY, statuses=(400, 401, 403, 500),
        fix="Get a new access token (or use the refresh token) before retrying.",
    ),
    Signature(
        "apigee-insufficient-scope", "Apigee", P,
        "body", r"steps\.oauth\.v2\.InsufficientScope",
        "Apigee says the access token lacks a scope this operation requires",
        APIGEE_RT + "oauthv2-policy-runtime-errors",
        '{"fault":{"faultstring":"Required scope(s): [read, write]","detail":{"errorcode":'
        '"steps.oauth.v2.InsufficientScope"}}}',
        weight=0.9, layer=GATEWAY, statuses=DENY,
    ),
    Signature(
        "apigee-quota", "Apigee", R,
        "body", r"policies\.ratelimit\.QuotaViolation",
        "Apigee's Quota policy says the quota for this app or key is used up",
        APIGEE_RT + "quota-runtime-errors",
        '{"fault":{"faultstring":"Rate limit quota violation. Quota limit exceeded. '
        'Identifier : _default","detail":{"errorcode":"policies.ratelimit.QuotaViolation"}}}',
        weight=0.9, layer=GATEWAY, statuses=(403, 429, 500),
    ),
    Signature(
        # memory: the faultstring; the errorcode was seen in the wild.
        "apigee-spike-arrest", "Apigee", R,
        "body", r"policies\.ratelimit\.SpikeArrestViolation",
        "Apigee's SpikeArrest policy throttled a burst of requests",
        APIGEE_RT + "spike-arrest-runtime-errors",
        '{"fault":{"faultstring":"Spike arrest violation. Allowed rate : MessageRate{'
        'messagesPerPeriod=10, periodInMicroseconds=1000000}","detail":{"errorcode":'
        '"policies.ratelimit.SpikeArrestViolation"}}}',
        weight=0.9, layer=GATEWAY, statuses=(429, 500),
        fix="Spread requests evenly: spike arrest smooths to per-second or per-minute slots.",
    ),
    Signature(
        "apigee-ip-denied", "Apigee", IP,
        "body", r"accesscontrol\.IPDeniedAccess",
        "Apigee's AccessControl policy denies the caller's IP address",
        APIGEE_RT + "access-control-runtime-errors",
        '{"fault":{"faultstring":"Access Denied for client ip : 104.132.196.83","detail":'
        '{"errorcode":"accesscontrol.IPDeniedAccess"}}}',
        weight=0.95, layer=GATEWAY, statuses=DENY,
        fix="Ask the owner to allow the IP in the faultstring (check X-Forwarded-For too).",
    ),
    Signature(
        "apigee-server", "Apigee", None,
        "header:server", r"^Apigee",
        "Server: Apigee, the Apigee gateway answered",
        APIGEE_RT + "access-control-runtime-errors", "Apigee Router",
        weight=0.4, layer=GATEWAY, statuses=ANY,
    ),
    # -- Cloudflare ---------------------------------------------------------------------------
    Signature(
        "cloudflare-1020", "Cloudflare", S,
        "body", cf_error("1020"),
        "Cloudflare error 1020: a firewall (custom) rule of the site blocked this request",
        CF_1XXX + "cloudflare-1xxx-errors/error-1020/",
        '<span class="cf-error-type" data-translate="error">Error</span>\n'
        '<span class="cf-error-code">1020</span> ... <span>Cloudflare Ray ID: '
        '<strong>8c1d2e3f4a5b6c7d</strong></span>',
        weight=0.85, layer=CDN, statuses=WAF_PAGE,
        fix="Send the owner the Ray ID so they can see which rule matched in Security Events.",
    ),
    Signature(
        "cloudflare-1010", "Cloudflare", S,
        "body", cf_error("1010"),
        "Cloudflare error 1010: the site bans this client's browser signature (Browser "
        "Integrity Check)",
        CF_1XXX + "cloudflare-1xxx-errors/error-1010/",
        "Error 1010 Ray ID: 4e5c3fdf2e8893a6 Access denied. The owner of this website has "
        "banned your access based on your browser's signature. Cloudflare Ray ID: "
        "4e5c3fdf2e8893a6",
        weight=0.85, layer=CDN, statuses=WAF_PAGE,
        fix="Send a descriptive User-Agent and ask the owner to skip Browser Integrity Check "
            "for API paths.",
    ),
    Signature(
        "cloudflare-ip-banned", "Cloudflare", IP,
        "body", cf_error("1006|1007|1008|1106"),
        "Cloudflare errors 1006-1008: the site owner banned the caller's IP address",
        CF_1XXX + "cloudflare-1xxx-errors/error-1006/",
        "Error 1006 Access denied: Your IP address has been banned. Performance & security by "
        "Cloudflare",
        weight=0.85, layer=CDN, statuses=WAF_PAGE,
        fix="Ask the owner to allow your address in IP Access Rules.",
    ),
    Signature(
        "cloudflare-1015", "Cloudflare", R,
        "body", cf_error("1015"),
        "Cloudflare error 1015: a rate limiting rule of the site throttled the caller",
        CF_1XXX + "cloudflare-1xxx-errors/error-1015/",
        "Error 1015 You are being rate limited. Performance & security by Cloudflare",
        weight=0.9, layer=CDN, statuses=WAF_PAGE,
        fix="Slow down; repeated attempts during the block can extend it.",
    ),
    Signature(
        "cloudflare-blocked-page", "Cloudflare", S,
        "body", r"Sorry, you have been blocked",
        "Cloudflare's WAF block page: a security rule of the site blocked this request",
        CF_PAGES,
        '<h1 data-translate="block_headline">Sorry, you have been blocked</h1>',
        weight=0.75, layer=CDN, statuses=WAF_PAGE,
    ),
    Signature(
        "cloudflare-attention-required", "Cloudflare", S,
        "body", r"<title>Attention Required! \| Cloudflare</title>",
        "Cloudflare's 'Attention Required!' page: blocked or asked for a CAPTCHA",
        CF_PAGES, "<title>Attention Required! | Cloudflare</title>",
        weight=0.6, layer=CDN, statuses=WAF_PAGE,
    ),
    Signature(
        "cloudflare-just-a-moment", "Cloudflare", S,
        "body", r"<title>Just a moment\.\.\.</title>",
        "Cloudflare's 'Just a moment...' challenge page: bot protection wants a browser",
        CF_CHALLENGE, "<title>Just a moment...</title>",
        weight=0.65, layer=CDN, statuses=WAF_PAGE,
        fix="API clients cannot pass challenges: ask the owner to skip them for API paths "
            "or tokens.",
    ),
    Signature(
        "cloudflare-mitigated-challenge", "Cloudflare", S,
        "header:cf-mitigated", r"^challenge",
        "cf-mitigated: challenge, Cloudflare served a challenge instead of the resource",
        CF_CHALLENGE, "challenge",
        weight=0.85, layer=CDN, statuses=ANY,
        fix="API clients cannot pass challenges: ask the owner to skip them for API paths "
            "or tokens.",
    ),
    Signature(
        # memory: the header accompanies challenge pages; not in Cloudflare's header list.
        "cloudflare-chl-bypass", "Cloudflare", S,
        "has:cf-chl-bypass", "",
        "cf-chl-bypass is present: the response is a Cloudflare challenge",
        CF_CHALLENGE, "1",
        weight=0.5, layer=CDN, statuses=ANY,
    ),
    Signature(
        "cloudflare-ray", "Cloudflare", None,
        "has:cf-ray", "",
        "CF-RAY is present: the request passed through Cloudflare",
        CF_RAY, "8c1d2e3f4a5b6c7d-FRA",
        weight=0.4, layer=CDN, statuses=ANY,
    ),
    Signature(
        "cloudflare-server", "Cloudflare", None,
        "header:server", r"^cloudflare",
        "Server: cloudflare, Cloudflare served this response",
        CF_RAY, "cloudflare",
        weight=0.4, layer=CDN, statuses=ANY,
    ),
    # -- Akamai -------------------------------------------------------------------------------
    Signature(
        # observed: the block page; Akamai documents only the error translator.
        "akamai-access-denied", "Akamai", S,
        "body", r"You don't have permission to access[\s\S]{0,400}?Reference(?:&#32;|\s)"
        r"(?:&#35;|#)",
        "Akamai's 'Access Denied ... Reference #' page: an edge security rule refused the "
        "request",
        AKAMAI_DIAG,
        '<H1>Access Denied</H1>\nYou don\'t have permission to access "http&#58;&#47;&#47;'
        'www&#46;example&#46;com&#47;" on this server.<P>\nReference&#32;&#35;18&#46;'
        "2d351ab8&#46;1557333295&#46;a4e16ab",
        weight=0.65, layer=CDN, statuses=WAF_PAGE,
        fix="Give the owner the Reference # so they can translate it with Akamai's error "
            "translator.",
    ),
    Signature(
        "akamai-server", "Akamai", None,
        "header:server", r"^AkamaiGHost|^AkamaiNetStorage",
        "Server: AkamaiGHost, Akamai's edge answered",
        AKAMAI_DIAG, "AkamaiGHost",
        weight=0.45, layer=CDN, statuses=ANY,
    ),
    Signature(
        "akamai-headers", "Akamai", None,
        "has:x-akamai-*", "",
        "An X-Akamai-* header is present: the request passed through Akamai",
        AKAMAI_DIAG, "x-akamai-transformed: 9 - 0 pmb=mRUM,1",
        weight=0.35, layer=CDN, statuses=ANY,
    ),
    # -- Imperva, Sucuri, F5, ModSecurity, Wordfence, FortiWeb -----------------------------
    Signature(
        # observed: block pages seen in the wild; Imperva documents custom error pages only.
        "imperva-incident", "Imperva (Incapsula)", S,
        "body", r"Incapsula incident ID",
        "Imperva's block page ('Incapsula incident ID'): its WAF or bot protection refused "
        "the request",
        IMPERVA, "Request unsuccessful. Incapsula incident ID: 92000010123456789-1234567",
        weight=0.75, layer=CDN, statuses=WAF_PAGE,
        fix="Give the owner the incident ID so they can find the rule that fired.",
    ),
    Signature(
        # observed: header seen on Imperva-fronted sites.
        "imperva-iinfo", "Imperva (Incapsula)", None,
        "has:x-iinfo", "",
        "X-Iinfo is present: the request passed through Imperva",
        IMPERVA, "13-12345678-12345678 NNNN CT(0 0 0) RT(1700000000000 0) q(0 0 0 -1) r(0 0)",
        weight=0.45, layer=CDN, statuses=ANY,
    ),
    Signature(
        "imperva-x-cdn", "Imperva (Incapsula)", None,
        "header:x-cdn", r"Imperva|Incapsula",
        "X-CDN names Imperva: the request passed through Imperva",
        IMPERVA, "Imperva",
        weight=0.4, layer=CDN, statuses=ANY,
    ),
    Signature(
        # observed: block page title and heading.
        "sucuri-access-denied", "Sucuri", S,
        "body", r"Sucuri WebSite Firewall - Access Denied|Access Denied - Sucuri Website "
        r"Firewall",
        "Sucuri's firewall block page: a Sucuri rule refused the request",
        SUCURI, "<title>Sucuri WebSite Firewall - Access Denied</title>",
        weight=0.75, layer=CDN, statuses=WAF_PAGE,
    ),
    Signature(
        "sucuri-id", "Sucuri", None,
        "has:x-sucuri-id", "",
        "X-Sucuri-ID is present: the request passed through Sucuri's firewall",
        SUCURI, "15015",
        weight=0.45, layer=CDN, statuses=ANY,
    ),
    Signature(
        # memory: header seen on Sucuri blocks.
        "sucuri-block", "Sucuri", S,
        "has:x-sucuri-block", "",
        "X-Sucuri-Block is present: Sucuri's firewall blocked the request",
        SUCURI, "BL001",
        weight=0.65, layer=CDN, statuses=ANY,
    ),
    Signature(
        # observed: default blocking page of BIG-IP ASM and NGINX App Protect.
        "f5-request-rejected", "F5 BIG-IP ASM / NGINX App Protect", S,
        "body", r"The requested URL was rejected\. Please consult with your administrator",
        "F5's WAF default blocking page ('The requested URL was rejected', with a support ID)",
        NGINX_APP_PROTECT,
        "<html><head><title>Request Rejected</title></head><body>The requested URL was "
        "rejected. Please consult with your administrator.<br><br>Your support ID is: "
        "4045204596866416688</body></html>",
        weight=0.85, layer=CDN, statuses=WAF_PAGE,
        fix="Give the owner the support ID: it names the violation in the WAF's log.",
    ),
    Signature(
        # observed: the persistence cookie's default name.
        "f5-bigip-cookie", "F5 BIG-IP", None,
        "header:set-cookie", r"^BIGipServer",
        "A BIGipServer cookie: an F5 BIG-IP load balancer sits in front of the API",
        NGINX_APP_PROTECT, "BIGipServerpool_api=1677787402.36895.0000; path=/",
        weight=0.35, layer=PROXY, statuses=ANY,
    ),
    Signature(
        # observed: the 406 page of ModSecurity-protected hosts.
        "modsecurity-page", "ModSecurity", S,
        "body", r"This error was generated by Mod_Security",
        "ModSecurity's error page: a ModSecurity (OWASP CRS) rule refused the request",
        MODSEC,
        "Not Acceptable! An appropriate representation of the requested resource could not be "
        "found on this server. This error was generated by Mod_Security.",
        weight=0.85, layer=ORIGIN, statuses=(406, 403, 501),
        fix="Remove payload fragments that look like attacks (SQL, script, traversal), or ask "
            "the owner which rule ID fired.",
    ),
    Signature(
        "modsecurity-server", "ModSecurity", None,
        "header:server", r"Mod_Security|^NOYB$",
        "The Server header names ModSecurity (or its 'NOYB' disguise)",
        MODSEC, "Mod_Security 2.9.7",
        weight=0.3, layer=ORIGIN, statuses=ANY,
    ),
    Signature(
        # observed: Wordfence block page phrases.
        "wordfence-block", "Wordfence", S,
        "body", r"Generated by Wordfence|Your access to this site has been limited",
        "Wordfence's block page: the WordPress site's firewall refused the request",
        WORDFENCE, "Your access to this site has been limited by the site owner",
        weight=0.7, layer=ORIGIN, statuses=(403, 503),
    ),
    Signature(
        # observed: the cookie's name; FortiWeb's block page wording could not be confirmed.
        "fortiweb-cookie", "Fortinet FortiWeb", None,
        "header:set-cookie", r"^FORTIWAFSID=",
        "A FORTIWAFSID cookie: a Fortinet FortiWeb WAF sits in front of the API",
        FORTIWEB, "FORTIWAFSID=5a0c1d2e3f4a5b6c7d8e9f; path=/",
        weight=0.4, layer=CDN, statuses=ANY,
    ),
    # -- Fastly, Varnish, Vercel, Netlify, Heroku ---------------------------------------------
    Signature(
        # memory: the header's format.
        "fastly-served-by", "Fastly", None,
        "header:x-served-by", r"^cache-[a-z0-9-]+",
        "X-Served-By names a Fastly cache node: the request passed through Fastly",
        FASTLY, "cache-fra-eddf8230042-FRA",
        weight=0.4, layer=CDN, statuses=ANY,
    ),
    Signature(
        # memory: the header's format.
        "varnish-header", "Varnish", None,
        "has:x-varnish", "",
        "X-Varnish is present: a Varnish cache sits in the path",
        VARNISH, "123456789 987654321",
        weight=0.35, layer=PROXY, statuses=ANY,
    ),
    Signature(
        # observed: header values seen on Vercel firewall answers.
        "vercel-mitigated", "Vercel Firewall", S,
        "header:x-vercel-mitigated", r"^(?:deny|challenge)",
        "x-vercel-mitigated: Vercel's firewall denied or challenged the request",
        VERCEL_WAF, "challenge",
        weight=0.85, layer=CDN, statuses=ANY,
        fix="Ask the owner for a firewall bypass rule for API clients.",
    ),
    Signature(
        # observed: the challenge page title.
        "vercel-checkpoint", "Vercel Firewall", S,
        "body", r"Vercel Security Checkpoint",
        "Vercel's Security Checkpoint page: bot protection wants a browser",
        VERCEL_WAF, "<title>Vercel Security Checkpoint</title>",
        weight=0.7, layer=CDN, statuses=WAF_PAGE,
    ),
    Signature(
        # memory: the header's format.
        "vercel-id", "Vercel", None,
        "has:x-vercel-id", "",
        "X-Vercel-Id is present: Vercel's edge handled the request",
        VERCEL_HEADERS, "fra1::iad1::abcde-1700000000000-0123456789ab",
        weight=0.4, layer=CDN, statuses=ANY,
    ),
    Signature(
        # observed: header seen on Netlify-served sites.
        "netlify-request-id", "Netlify", None,
        "has:x-nf-request-id", "",
        "X-Nf-Request-Id is present: Netlify's edge handled the request",
        NETLIFY, "01HZX3Y4Z5A6B7C8D9E0F1G2H3",
        weight=0.4, layer=CDN, statuses=ANY,
    ),
    Signature(
        # memory: the Via value of Heroku's router.
        "heroku-vegur", "Heroku", None,
        "header:via", r"\bvegur\b",
        "Via: vegur, Heroku's router sits in front of the app",
        HEROKU, "1.1 vegur",
        weight=0.35, layer=PROXY, statuses=ANY,
    ),
    # -- Web servers and proxies -------------------------------------------------------------
    Signature(
        # memory: the page as ngx_http_special_response.c builds it.
        "nginx-default-page", "nginx", None,
        "body", r"<hr><center>nginx(?:/[\d.]+)?</center>",
        "nginx's built-in error page: nginx itself refused (its page names no cause)",
        NGINX_SRC,
        "<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n<center><h1>403 "
        "Forbidden</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>",
        weight=0.45, layer=PROXY, statuses=ANY,
    ),
    Signature(
        "nginx-server", "nginx", None,
        "header:server", r"^nginx",
        "Server: nginx",
        NGINX_SRC, "nginx/1.25.3",
        weight=0.25, layer=PROXY, statuses=ANY,
    ),
    Signature(
        # memory: nginx's page with OpenResty's server string.
        "openresty-default-page", "OpenResty", None,
        "body", r"<hr><center>openresty(?:/[\d.]+)?</center>",
        "OpenResty's built-in error page: the OpenResty/nginx layer itself refused",
        OPENRESTY,
        "<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n<center><h1>403 "
        "Forbidden</h1></center>\r\n<hr><center>openresty</center>\r\n</body>\r\n</html>",
        weight=0.45, layer=PROXY, statuses=ANY,
    ),
    Signature(
        # memory: the page as httpd 2.4 builds it.
        "apache-default-page", "Apache httpd", None,
        "body", r"<h1>Forbidden</h1>\s*<p>You don't have permission to access",
        "Apache httpd's built-in 403 page (access rules, file permissions or a forbidden "
        "directory listing; the page does not say which)",
        APACHE_SRC,
        "<title>403 Forbidden</title>\n</head><body>\n<h1>Forbidden</h1>\n<p>You don't have "
        "permission to access this resource.</p>\n<hr>\n<address>Apache/2.4.58 (Ubuntu) "
        "Server at example.com Port 443</address>",
        weight=0.45, layer=ORIGIN, statuses=ANY,
    ),
    Signature(
        "apache-server", "Apache httpd", None,
        "header:server", r"^Apache",
        "Server: Apache",
        APACHE_SRC, "Apache/2.4.58 (Ubuntu)",
        weight=0.25, layer=ORIGIN, statuses=ANY,
    ),
    Signature(
        "haproxy-default-page", "HAProxy", None,
        "body", r"<h1>403 Forbidden</h1>\s*Request forbidden by administrative rules\.",
        "HAProxy's built-in 403 page: an 'http-request deny' rule refused the request",
        HAPROXY_SRC,
        "<html><body><h1>403 Forbidden</h1>\nRequest forbidden by administrative rules.\n"
        "</body></html>",
        weight=0.55, layer=PROXY, statuses=ANY,
    ),
    Signature(
        "caddy-server", "Caddy", None,
        "header:server", r"^Caddy",
        "Server: Caddy",
        CADDY, "Caddy",
        weight=0.3, layer=PROXY, statuses=ANY,
    ),
    Signature(
        # memory: the detailed error page's heading; the substatus is documented.
        "iis-403-14", "Microsoft IIS", C,
        "body", r"403\.14\b[ -]+Forbidden",
        "IIS 403.14: directory listing is denied and no default document matched this URL",
        IIS_CODES,
        "HTTP Error 403.14 - Forbidden\nThe Web server is configured to not list the contents "
        "of this directory.",
        weight=0.8, layer=ORIGIN, statuses=DENY,
        fix="Call the API's real route (check the path and trailing slash) or configure a "
            "default document / routing for this folder.",
    ),
    Signature(
        # memory: the page wording; the substatus is documented.
        "iis-ip-rejected", "Microsoft IIS", IP,
        "body", r"403\.(?:6|503)\b[ -]+Forbidden",
        "IIS 403.6 / 403.503: the client's IP address is on the deny list (IP restrictions)",
        IIS_CODES, "HTTP Error 403.6 - Forbidden: IP address rejected",
        weight=0.85, layer=ORIGIN, statuses=DENY,
        fix="Ask the owner to add your address to IIS IP Address and Domain Restrictions.",
    ),
    Signature(
        # memory: the page wording; the substatus is documented.
        "iis-dynamic-ip", "Microsoft IIS", R,
        "body", r"403\.50[12]\b[ -]+Forbidden",
        "IIS 403.501 / 403.502: Dynamic IP Restrictions saw too many requests from this "
        "address",
        IIS_CODES,
        "HTTP Error 403.502 - Forbidden: Too many requests from the same client IP; Dynamic "
        "IP Restriction limit reached.",
        weight=0.85, layer=ORIGIN, statuses=DENY,
        fix="Lower concurrency and request rate from this address.",
    ),
    Signature(
        # memory: the page wording; the substatus is documented.
        "iis-ssl-required", "Microsoft IIS", C,
        "body", r"403\.4\b[ -]+Forbidden",
        "IIS 403.4: this site requires SSL (HTTPS)",
        IIS_CODES, "HTTP Error 403.4 - Forbidden: SSL is required to view this resource.",
        weight=0.8, layer=ORIGIN, statuses=DENY,
        fix="Call the https:// URL.",
    ),
    Signature(
        # memory: the page wording; the substatuses are documented.
        "iis-client-certificate", "Microsoft IIS", A,
        "body", r"403\.(?:7|13|16|17)\b[ -]+Forbidden",
        "IIS 403.7/13/16/17: a valid client certificate is required (missing, revoked, "
        "untrusted or expired)",
        IIS_CODES,
        "HTTP Error 403.7 - Forbidden: The page you are attempting to access requires your "
        "browser to have a Secure Sockets Layer (SSL) client certificate.",
        weight=0.75, layer=ORIGIN, statuses=DENY,
        fix="Present a valid, unexpired client certificate the server trusts.",
    ),
    Signature(
        "iis-server", "Microsoft IIS", None,
        "header:server", r"^Microsoft-IIS",
        "Server: Microsoft-IIS",
        IIS_CODES, "Microsoft-IIS/10.0",
        weight=0.25, layer=ORIGIN, statuses=ANY,
    ),
    # -- Envoy and Istio ------------------------------------------------------------------------
    Signature(
        "envoy-rbac", "Envoy / Istio", P,
        "body", r"RBAC: access denied",
        "Envoy's RBAC filter (an Istio AuthorizationPolicy) denied this request; the policy "
        "may match on identity, path or source address",
        ENVOY_RBAC, "RBAC: access denied",
        weight=0.65, layer=PROXY, flags=0, statuses=DENY,
        fix="Read the AuthorizationPolicy for this workload: which principals, namespaces, "
            "paths or ipBlocks it allows.",
    ),
    Signature(
        # memory: the filter's default body.
        "envoy-local-rate-limit", "Envoy", R,
        "body", r"\blocal_rate_limited\b",
        "Envoy's local rate limit filter throttled the request",
        ENVOY_LRL, "local_rate_limited",
        weight=0.85, layer=PROXY, flags=0, statuses=THROTTLE,
    ),
    Signature(
        # memory: the router sets it when the rate limit service says no.
        "envoy-ratelimited-header", "Envoy", R,
        "has:x-envoy-ratelimited", "",
        "x-envoy-ratelimited is present: Envoy's rate limit service throttled the request",
        ENVOY_ROUTER, "true",
        weight=0.8, layer=PROXY, statuses=THROTTLE,
    ),
    Signature(
        # memory: jwt_verify_lib's status strings.
        "envoy-jwt-expired", "Envoy jwt_authn", A,
        "body", r"Jwt is expired",
        "Envoy's JWT filter says the token has expired",
        JWT_VERIFY_LIB, "Jwt is expired",
        weight=0.85, layer=PROXY, flags=0, statuses=AUTH,
    ),
    Signature(
        # memory: jwt_verify_lib's status strings.
        "envoy-jwt-missing", "Envoy jwt_authn", K,
        "body", r"Jwt is missing",
        "Envoy's JWT filter found no token in the request",
        JWT_VERIFY_LIB, "Jwt is missing",
        weight=0.8, layer=PROXY, flags=0, statuses=AUTH,
    ),
    Signature(
        # memory: jwt_verify_lib's status strings.
        "envoy-jwt-invalid", "Envoy jwt_authn", A,
        "body", r"Jwt verification fails|Jwt issuer is not configured|Audiences in Jwt are not "
        r"allowed|Jwks remote fetch is failed",
        "Envoy's JWT filter rejected the token (signature, issuer or audience)",
        JWT_VERIFY_LIB, "Audiences in Jwt are not allowed",
        weight=0.75, layer=PROXY, flags=0, statuses=AUTH,
    ),
    Signature(
        "envoy-server", "Envoy / Istio", None,
        "header:server", r"^(?:istio-)?envoy",
        "Server: envoy, an Envoy proxy (Istio sidecar or gateway) answered",
        ENVOY_ROUTER, "envoy",
        weight=0.35, layer=PROXY, statuses=ANY,
    ),
    Signature(
        "envoy-upstream-time", "Envoy / Istio", None,
        "has:x-envoy-upstream-service-time", "",
        "x-envoy-upstream-service-time is present: the upstream service answered via Envoy",
        ENVOY_ROUTER, "12",
        weight=0.35, layer=ORIGIN, statuses=ANY,
    ),
    # -- Frameworks -----------------------------------------------------------------------------
    Signature(
        # memory: DRF's default_detail strings (the throttle one was checked).
        "drf-permission-denied", "Django REST framework", P,
        "body", r"You do not have permission to perform this action\.",
        "Django REST framework's permission check refused this user",
        DRF, '{"detail":"You do not have permission to perform this action."}',
        weight=0.7, layer=ORIGIN, statuses=DENY,
    ),
    Signature(
        # memory: DRF's default_detail strings.
        "drf-not-authenticated", "Django REST framework", K,
        "body", r"Authentication credentials were not provided\.",
        "Django REST framework found no credentials in the request",
        DRF, '{"detail":"Authentication credentials were not provided."}',
        weight=0.75, layer=ORIGIN, statuses=AUTH,
        fix="Send the token in the header the API expects (often 'Authorization: Token "
            "<key>' or 'Bearer <jwt>').",
    ),
    Signature(
        # memory: TokenAuthentication's messages.
        "drf-invalid-token", "Django REST framework", K,
        "body", J("detail", r"Invalid token(?: header\.[^\"]*|\.)"),
        "Django REST framework's TokenAuthentication does not know this token",
        DRF_AUTH, '{"detail":"Invalid token."}',
        weight=0.7, layer=ORIGIN, statuses=AUTH,
    ),
    Signature(
        # memory: DRF's default_detail strings.
        "drf-incorrect-credentials", "Django REST framework", A,
        "body", r"Incorrect authentication credentials\.",
        "Django REST framework says the credentials presented are wrong",
        DRF, '{"detail":"Incorrect authentication credentials."}',
        weight=0.6, layer=ORIGIN, statuses=AUTH,
    ),
    Signature(
        "drf-throttled", "Django REST framework", R,
        "body", r"Request was throttled\.",
        "Django REST framework's throttling refused the request",
        DRF, '{"detail":"Request was throttled. Expected available in 56 seconds."}',
        weight=0.9, layer=ORIGIN, statuses=THROTTLE,
        fix="Wait the seconds in the message (or Retry-After) before calling again.",
    ),
    Signature(
        # memory: SessionAuthentication's CSRF message prefix.
        "drf-csrf", "Django REST framework", S,
        "body", r"CSRF Failed: ",
        "Django REST framework's SessionAuthentication enforced CSRF on a cookie-authenticated "
        "request",
        DRF_AUTH, '{"detail":"CSRF Failed: CSRF token missing."}',
        weight=0.85, layer=ORIGIN, statuses=DENY,
        fix="For API clients, authenticate with a token instead of the session cookie; "
            "browsers must send the X-CSRFToken header.",
    ),
    Signature(
        # memory: SimpleJWT's error body.
        "simplejwt-token-not-valid", "djangorestframework-simplejwt", A,
        "body", J("code", "token_not_valid"),
        "SimpleJWT says the token is invalid or expired",
        SIMPLEJWT,
        '{"detail":"Given token not valid for any token type","code":"token_not_valid"}',
        weight=0.8, layer=ORIGIN, statuses=AUTH,
    ),
    Signature(
        # memory: the text of Django's CSRF failure page.
        "django-csrf-page", "Django", S,
        "body", r"CSRF verification failed\. Request aborted\.",
        "Django's CSRF protection refused the request",
        DJANGO_CSRF,
        "<h1>Forbidden <span>(403)</span></h1>\n<p>CSRF verification failed. Request "
        "aborted.</p>",
        weight=0.9, layer=ORIGIN, statuses=DENY,
        fix="Send the CSRF cookie and X-CSRFToken header (and a matching Referer/Origin on "
            "HTTPS), or use an endpoint exempt from CSRF for API clients.",
    ),
    Signature(
        # memory: Spring Boot's default error attributes.
        "spring-boot-error", "Spring Boot", None,
        "body", r'"status"\s*:\s*403\s*,\s*"error"\s*:\s*"Forbidden"',
        "Spring Boot's default error body: the Spring application itself refused",
        SPRING_BOOT_ERR,
        '{"timestamp":"2024-05-01T10:00:00.000+00:00","status":403,"error":"Forbidden",'
        '"path":"/api/orders"}',
        weight=0.4, layer=ORIGIN, statuses=DENY,
    ),
    Signature(
        # memory: the message with server.error.include-message=always.
        "spring-access-denied", "Spring Security", P,
        "body", r'"error"\s*:\s*"Forbidden"\s*,\s*"message"\s*:\s*"Access Denied"',
        "Spring Security's AccessDeniedException: an authorisation rule refused this user",
        SPRING_BOOT_ERR,
        '{"timestamp":"2024-05-01T10:00:00.000+00:00","status":403,"error":"Forbidden",'
        '"message":"Access Denied","path":"/api/orders"}',
        weight=0.55, layer=ORIGIN, statuses=DENY,
    ),
    Signature(
        "spring-csrf", "Spring Security", S,
        "body", r"Invalid CSRF Token '|Could not verify the provided CSRF token because your "
        r"session was not found",
        "Spring Security's CSRF protection refused the request",
        SPRING_CSRF,
        "Invalid CSRF Token 'null' was found on the request parameter '_csrf' or header "
        "'X-CSRF-TOKEN'.",
        weight=0.85, layer=ORIGIN, statuses=DENY,
        fix="Send the CSRF token header, or exempt stateless token-authenticated API paths.",
    ),
    Signature(
        # memory: Laravel's default messages.
        "laravel-unauthorized-action", "Laravel", P,
        "body", J("message", r"This action is unauthorized\."),
        "Laravel's authorisation (a gate or policy) refused this user",
        LARAVEL_AUTHZ, '{"message":"This action is unauthorized."}',
        weight=0.7, layer=ORIGIN, statuses=DENY,
    ),
    Signature(
        # memory: Laravel's default messages.
        "laravel-csrf", "Laravel", S,
        "body", r"CSRF token mismatch\.",
        "Laravel's CSRF protection refused the request (HTTP 419)",
        LARAVEL_CSRF, '{"message":"CSRF token mismatch."}',
        weight=0.85, layer=ORIGIN, statuses=(419, 403),
        fix="Send the X-CSRF-TOKEN / X-XSRF-TOKEN header, or route API clients through the "
            "stateless api middleware.",
    ),
    Signature(
        # memory: Laravel's default messages.
        "laravel-too-many-attempts", "Laravel", R,
        "body", J("message", r"Too Many Attempts\."),
        "Laravel's throttle middleware refused the request",
        LARAVEL_RATE, '{"message":"Too Many Attempts."}',
        weight=0.85, layer=ORIGIN, statuses=THROTTLE,
    ),
    Signature(
        # memory: the exception name and log message.
        "rails-csrf", "Ruby on Rails", S,
        "body", r"ActionController::InvalidAuthenticityToken|Can't verify CSRF token "
        r"authenticity",
        "Rails' request forgery protection refused the request",
        RAILS_CSRF, "ActionController::InvalidAuthenticityToken",
        weight=0.85, layer=ORIGIN, statuses=(422, 403),
    ),
    Signature(
        # memory: the default realm response.
        "rails-http-token-denied", "Ruby on Rails", K,
        "body", r"HTTP Token: Access denied\.",
        "Rails' token authentication found no valid token",
        "https://api.rubyonrails.org/classes/ActionController/HttpAuthentication/Token.html",
        "HTTP Token: Access denied.",
        weight=0.7, layer=ORIGIN, statuses=AUTH,
    ),
    Signature(
        # memory: csurf's error message and code.
        "express-csurf", "Express (csurf)", S,
        "body", r"ForbiddenError: invalid csrf token|EBADCSRFTOKEN",
        "Express's csurf middleware refused the request: CSRF token missing or wrong",
        CSURF, "ForbiddenError: invalid csrf token",
        weight=0.85, layer=ORIGIN, statuses=DENY,
    ),
    Signature(
        # memory: the package's default message.
        "express-rate-limit", "Express (express-rate-limit)", R,
        "body", r"Too many requests, please try again later\.",
        "express-rate-limit's default answer: the app throttled this client",
        EXPRESS_RL, "Too many requests, please try again later.",
        weight=0.8, layer=ORIGIN, statuses=THROTTLE,
    ),
    Signature(
        # memory: the default ProblemDetails for 403.
        "aspnet-problem-forbidden", "ASP.NET Core", None,
        "body", r'"title"\s*:\s*"Forbidden"\s*,\s*"status"\s*:\s*403',
        "ASP.NET Core's ProblemDetails for 403: the application itself refused",
        ASPNET_PROBLEM,
        '{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.4","title":"Forbidden",'
        '"status":403,"traceId":"00-0123456789abcdef-01"}',
        weight=0.4, layer=ORIGIN, statuses=DENY,
    ),
    Signature(
        # memory: the antiforgery exception messages.
        "aspnet-antiforgery", "ASP.NET Core", S,
        "body", r"The required antiforgery (?:cookie|request token|header value|form field)"
        r"|The antiforgery token could not be decrypted",
        "ASP.NET Core's antiforgery validation refused the request",
        ASPNET_ANTIFORGERY,
        'The required antiforgery cookie ".AspNetCore.Antiforgery.x1y2z3" is not present.',
        weight=0.8, layer=ORIGIN, statuses=(400, 403),
    ),
    Signature(
        # memory: FastAPI's security classes' detail.
        "fastapi-not-authenticated", "FastAPI", K,
        "body", J("detail", "Not authenticated"),
        "FastAPI's security dependency found no credentials in the request",
        FASTAPI_SEC, '{"detail":"Not authenticated"}',
        weight=0.7, layer=ORIGIN, statuses=AUTH,
        fix="Send 'Authorization: Bearer <token>' (or the header the API's security scheme "
            "names).",
    ),
    Signature(
        # memory: the tutorial's exception (copied by many apps).
        "fastapi-could-not-validate", "FastAPI", A,
        "body", J("detail", "Could not validate credentials"),
        "The FastAPI app could not validate the token (bad signature or expired)",
        FASTAPI_JWT, '{"detail":"Could not validate credentials"}',
        weight=0.7, layer=ORIGIN, statuses=AUTH,
    ),
    # -- Identity providers --------------------------------------------------------------------
    Signature(
        # memory: Keycloak's introspection/userinfo wording.
        "keycloak-token-not-active", "Keycloak", A,
        "body", J("error_description", "Token is not active"),
        "Keycloak says the token is not active (expired, revoked or its session ended)",
        KEYCLOAK,
        '{"error":"invalid_token","error_description":"Token is not active"}',
        weight=0.85, statuses=(400, 401, 403),
    ),
    Signature(
        # memory: the Authorization Services denial.
        "keycloak-not-authorized", "Keycloak", P,
        "body", J("error", "access_denied") + r'\s*,\s*' + J("error_description",
                                                             "not_authorized"),
        "Keycloak Authorization Services denied the permission",
        KEYCLOAK, '{"error":"access_denied","error_description":"not_authorized"}',
        weight=0.8, statuses=DENY,
    ),
    Signature(
        # memory: the Management API's error body.
        "auth0-insufficient-scope", "Auth0", P,
        "body", J("errorCode", "insufficient_scope"),
        "Auth0's Management API says the token lacks a required scope",
        AUTH0_MGMT,
        '{"statusCode":403,"error":"Forbidden","message":"Insufficient scope, expected any '
        'of: read:users","errorCode":"insufficient_scope"}',
        weight=0.85, statuses=DENY,
        fix="Grant the scope in the message to the machine-to-machine application and get a "
            "new token.",
    ),
    Signature(
        # memory: the express-jwt / Auth0 wording of an expired JWT.
        "auth0-expired-token", "Auth0", A,
        "body", r"Expired token received for JSON Web Token validation",
        "Auth0 says the JWT has expired",
        AUTH0_MGMT,
        '{"statusCode":401,"error":"Unauthorized","message":"Expired token received for JSON '
        'Web Token validation"}',
        weight=0.85, statuses=AUTH,
    ),
    Signature(
        # memory: the rate limit error body.
        "auth0-rate-limit", "Auth0", R,
        "body", J("errorCode", "too_many_requests"),
        "Auth0 says its rate limit was reached",
        AUTH0_RATE,
        '{"statusCode":429,"error":"Too Many Requests","message":"Global limit has been '
        'reached","errorCode":"too_many_requests"}',
        weight=0.85, statuses=THROTTLE,
    ),
    Signature(
        "okta-e0000006", "Okta", P,
        "body", J("errorCode", "E0000006"),
        "Okta E0000006: the token's admin role or scopes do not permit this action",
        OKTA_CODES,
        '{"errorCode":"E0000006","errorSummary":"You do not have permission to perform the '
        'requested action","errorLink":"E0000006","errorCauses":[]}',
        weight=0.85, statuses=DENY,
        fix="Give the API token's user (or the service app) an admin role or the okta.* "
            "scope this endpoint needs.",
    ),
    Signature(
        "okta-e0000011", "Okta", K,
        "body", J("errorCode", "E0000011"),
        "Okta E0000011: the API token is invalid (revoked, expired or wrong org)",
        OKTA_CODES,
        '{"errorCode":"E0000011","errorSummary":"Invalid token provided","errorLink":'
        '"E0000011","errorCauses":[]}',
        weight=0.85, statuses=AUTH,
    ),
    Signature(
        # memory: the errorSummary text.
        "okta-e0000047", "Okta", R,
        "body", J("errorCode", "E0000047"),
        "Okta E0000047: the API call exceeded a rate limit",
        OKTA_CODES,
        '{"errorCode":"E0000047","errorSummary":"API call exceeded rate limit due to too many '
        'requests.","errorLink":"E0000047","errorCauses":[]}',
        weight=0.9, statuses=THROTTLE,
    ),
    Signature(
        # memory: the errorSummary text.
        "okta-e0000005", "Okta", A,
        "body", J("errorCode", "E0000005"),
        "Okta E0000005: the session is invalid",
        OKTA_CODES,
        '{"errorCode":"E0000005","errorSummary":"Invalid session","errorLink":"E0000005",'
        '"errorCauses":[]}',
        weight=0.7, statuses=AUTH,
    ),
    Signature(
        # memory: the errorSummary text.
        "okta-e0000015", "Okta", C,
        "body", J("errorCode", "E0000015"),
        "Okta E0000015: the feature this call needs is not enabled for the org",
        OKTA_CODES,
        '{"errorCode":"E0000015","errorSummary":"You do not have permission to access the '
        'feature you are requesting","errorLink":"E0000015","errorCauses":[]}',
        weight=0.75, statuses=DENY,
    ),
    # -- SaaS APIs ----------------------------------------------------------------------------
    Signature(
        # memory: Stripe's messages.
        "stripe-invalid-key", "Stripe", K,
        "body", r"Invalid API Key provided: [a-z]{2}_",
        "Stripe does not recognise the API key",
        STRIPE_KEYS,
        '{"error":{"message":"Invalid API Key provided: sk_test_****1234","type":'
        '"invalid_request_error"}}',
        weight=0.9, statuses=AUTH,
    ),
    Signature(
        # memory: Stripe's messages.
        "stripe-no-key", "Stripe", K,
        "body", r"You did not provide an API key",
        "Stripe found no API key in the request",
        STRIPE_KEYS,
        '{"error":{"message":"You did not provide an API key. You need to provide your API key '
        "in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer "
        "YOUR_SECRET_KEY').\",\"type\":\"invalid_request_error\"}}",
        weight=0.9, statuses=AUTH,
    ),
    Signature(
        "stripe-restricted-key", "Stripe", P,
        "body", r"The provided key '[^']*' does not have the required permissions",
        "Stripe says this restricted key lacks the permission for this endpoint",
        STRIPE_KEYS,
        '{"error":{"message":"The provided key \'rk_live_***j4va7j\' does not have the '
        "required permissions for this endpoint on account 'acct_123'.\"}}",
        weight=0.9, statuses=DENY,
        fix="Enable the permission named in the message on the restricted key.",
    ),
    Signature(
        # memory: Stripe's messages.
        "stripe-rate-limit", "Stripe", R,
        "body", r"Too many requests hit the API too quickly",
        "Stripe says requests hit the API too quickly",
        STRIPE_RATE,
        '{"error":{"code":"rate_limit","message":"Too many requests hit the API too quickly. '
        'We recommend an exponential backoff of your requests."}}',
        weight=0.9, statuses=THROTTLE,
    ),
    Signature(
        "openai-incorrect-key", "OpenAI", K,
        "body", r"Incorrect API key provided",
        "OpenAI does not accept the API key",
        OPENAI_ERRORS,
        '{"error":{"message":"Incorrect API key provided: sk-proj-****abcd.","type":'
        '"invalid_request_error","code":"invalid_api_key"}}',
        weight=0.9, statuses=AUTH,
    ),
    Signature(
        # memory: the error body.
        "openai-insufficient-quota", "OpenAI", R,
        "body", J("code", "insufficient_quota") + r"|You exceeded your current quota",
        "OpenAI says the account's quota or credit is used up",
        OPENAI_ERRORS,
        '{"error":{"message":"You exceeded your current quota, please check your plan and '
        'billing details.","type":"insufficient_quota","code":"insufficient_quota"}}',
        weight=0.85, statuses=THROTTLE,
        fix="Add credit or raise the usage limit in the billing settings; retrying does not "
            "help.",
    ),
    Signature(
        # memory: the error body.
        "openai-rate-limit", "OpenAI", R,
        "body", r"Rate limit reached for [\w.:-]+ in organization",
        "OpenAI says the organisation's rate limit for this model was reached",
        OPENAI_ERRORS,
        '{"error":{"message":"Rate limit reached for gpt-4o in organization org-abc on tokens '
        'per min (TPM): Limit 30000, Used 29000, Requested 2000.","code":"rate_limit_exceeded"}}',
        weight=0.9, statuses=THROTTLE,
    ),
    Signature(
        "openai-unsupported-country", "OpenAI", IP,
        "body", r"unsupported_country_region_territory",
        "OpenAI refuses calls from the country or region of the caller's address",
        OPENAI_ERRORS,
        '{"error":{"code":"unsupported_country_region_territory","message":"Country, region, '
        'or territory not supported","type":"request_forbidden"}}',
        weight=0.9, statuses=DENY,
        fix="Call from a supported region (the egress address decides, not the account).",
    ),
    Signature(
        # memory: the error body.
        "openai-missing-scopes", "OpenAI", P,
        "body", r"You have insufficient permissions for this operation\. Missing scopes",
        "OpenAI says the key or role lacks a scope this endpoint needs",
        OPENAI_ERRORS,
        '{"error":{"message":"You have insufficient permissions for this operation. Missing '
        'scopes: api.model.read."}}',
        weight=0.85, statuses=AUTH,
    ),
    Signature(
        # memory: the error envelope and type names.
        "anthropic-authentication-error", "Anthropic", K,
        "body", r'"type"\s*:\s*"error"\s*,\s*"error"\s*:\s*\{\s*' + J("type",
                                                                   "authentication_error"),
        "Anthropic says the API key is missing or invalid",
        ANTHROPIC_ERRORS,
        '{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}',
        weight=0.8, statuses=AUTH,
    ),
    Signature(
        # memory: the error envelope and type names.
        "anthropic-permission-error", "Anthropic", P,
        "body", r'"type"\s*:\s*"error"\s*,\s*"error"\s*:\s*\{\s*' + J("type", "permission_error"),
        "Anthropic says the API key lacks permission for this resource",
        ANTHROPIC_ERRORS,
        '{"type":"error","error":{"type":"permission_error","message":"Your API key does not '
        'have permission to use the specified resource."}}',
        weight=0.8, statuses=DENY,
    ),
    Signature(
        # memory: the error envelope and type names.
        "anthropic-rate-limit", "Anthropic", R,
        "body", r'"type"\s*:\s*"error"\s*,\s*"error"\s*:\s*\{\s*' + J("type", "rate_limit_error"),
        "Anthropic says the account hit a rate limit",
        ANTHROPIC_ERRORS,
        '{"type":"error","error":{"type":"rate_limit_error","message":"Number of request '
        'tokens has exceeded your per-minute rate limit"}}',
        weight=0.85, statuses=THROTTLE,
    ),
    Signature(
        # memory: the Web API error codes.
        "slack-missing-scope", "Slack", P,
        "body", slack("missing_scope"),
        "Slack says the token lacks the OAuth scope this method needs",
        SLACK_ERRORS,
        '{"ok":false,"error":"missing_scope","needed":"chat:write","provided":"channels:read"}',
        weight=0.9, statuses=SLACK,
        fix="Add the scope in 'needed' to the app and reinstall it to get a new token.",
    ),
    Signature(
        # memory: the Web API error codes.
        "slack-not-authed", "Slack", K,
        "body", slack("not_authed"),
        "Slack found no token in the request",
        SLACK_ERRORS, '{"ok":false,"error":"not_authed"}',
        weight=0.85, statuses=SLACK,
    ),
    Signature(
        # memory: the Web API error codes.
        "slack-invalid-auth", "Slack", K,
        "body", slack("(?:invalid_auth|account_inactive)"),
        "Slack does not accept the token (invalid, or its user or workspace is deactivated)",
        SLACK_ERRORS, '{"ok":false,"error":"invalid_auth"}',
        weight=0.85, statuses=SLACK,
    ),
    Signature(
        # memory: the Web API error codes.
        "slack-token-revoked", "Slack", A,
        "body", slack("(?:token_revoked|token_expired)"),
        "Slack says the token was revoked or has expired",
        SLACK_ERRORS, '{"ok":false,"error":"token_expired"}',
        weight=0.8, statuses=SLACK,
        fix="Refresh the token (token rotation) or reinstall the app.",
    ),
    Signature(
        # memory: the Web API error codes.
        "slack-no-permission", "Slack", P,
        "body", slack("no_permission"),
        "Slack says the token may not perform this action in this workspace",
        SLACK_ERRORS, '{"ok":false,"error":"no_permission"}',
        weight=0.8, statuses=SLACK,
    ),
    Signature(
        # memory: the Web API error codes.
        "slack-ratelimited", "Slack", R,
        "body", slack("ratelimited"),
        "Slack says this method's rate limit tier was exceeded",
        SLACK_RATE, '{"ok":false,"error":"ratelimited"}',
        weight=0.9, statuses=SLACK,
        fix="Honour Retry-After and keep to the method's tier (e.g. about 1 request a second).",
    ),
    Signature(
        "x-access-level", "X (Twitter)", P,
        "body", r"You currently have access to a subset of (?:X|Twitter) API",
        "X error 453: the app's access level (plan) does not include this endpoint",
        X_ERRORS,
        '{"errors":[{"message":"You currently have access to a subset of X API V2 endpoints '
        'and limited v1.1 endpoints (e.g. media post, oauth) only. If you need access to this '
        'endpoint, you may need a different access level.","code":453}]}',
        weight=0.85, statuses=DENY,
        fix="Move the project to a plan that includes this endpoint.",
    ),
    Signature(
        "x-client-not-enrolled", "X (Twitter)", C,
        "body", J("reason", "client-not-enrolled"),
        "X says the app is not attached to a Project with the needed access",
        X_ERRORS,
        '{"title":"Client Forbidden","reason":"client-not-enrolled","type":'
        '"https://api.twitter.com/2/problems/client-forbidden"}',
        weight=0.85, statuses=DENY,
        fix="Attach the app to a Project in the developer portal and use its keys.",
    ),
    Signature(
        # memory: the v1.1 error 89.
        "x-invalid-token", "X (Twitter)", A,
        "body", r'Invalid or expired token\.?"\s*,\s*"code"\s*:\s*89\b',
        "X error 89: the access token is invalid or expired",
        X_ERRORS, '{"errors":[{"message":"Invalid or expired token.","code":89}]}',
        weight=0.75, statuses=AUTH,
    ),
    Signature(
        # memory: Shopify's messages.
        "shopify-invalid-token", "Shopify", K,
        "body", r"\[API\] Invalid API key or access token",
        "Shopify does not accept the API key or access token",
        SHOPIFY_STATUS,
        '{"errors":"[API] Invalid API key or access token (unrecognized login or wrong '
        'password)"}',
        weight=0.9, statuses=AUTH,
    ),
    Signature(
        "shopify-merchant-approval", "Shopify", P,
        "body", r"This action requires merchant approval for \w+ scope",
        "Shopify says the app's token lacks the access scope named in the message",
        SHOPIFY_STATUS,
        '{"errors":"[API] This action requires merchant approval for read_orders scope."}',
        weight=0.9, statuses=DENY,
        fix="Add the scope to the app's configuration and have the merchant approve it.",
    ),
    Signature(
        # memory: Shopify's messages.
        "shopify-rate-limit", "Shopify", R,
        "body", r"Exceeded \d+ calls per second for api client",
        "Shopify's leaky bucket for this app is full",
        SHOPIFY_RATE,
        '{"errors":"Exceeded 2 calls per second for api client. Reduce request rates to '
        'resume uninterrupted service."}',
        weight=0.9, statuses=THROTTLE,
    ),
    Signature(
        # memory: the header values of Atlassian's login guard.
        "atlassian-captcha", "Atlassian (Jira / Confluence)", S,
        "header:x-seraph-loginreason", r"AUTHENTICATION_DENIED",
        "X-Seraph-LoginReason: AUTHENTICATION_DENIED, too many failed logins: Atlassian "
        "wants a CAPTCHA before accepting Basic auth again",
        ATLASSIAN_AUTH, "AUTHENTICATION_DENIED",
        weight=0.8, statuses=AUTH,
        fix="Log in once in a browser to clear the CAPTCHA, then use an API token.",
    ),
    Signature(
        "atlassian-login-failed", "Atlassian (Jira / Confluence)", A,
        "header:x-seraph-loginreason", r"AUTHENTICATED_FAILED",
        "X-Seraph-LoginReason: AUTHENTICATED_FAILED, the Basic auth credentials were wrong",
        ATLASSIAN_AUTH, "AUTHENTICATED_FAILED",
        weight=0.7, statuses=AUTH,
    ),
    Signature(
        # memory: Jira's errorMessages wording.
        "jira-no-permission", "Jira", P,
        "body", r'"errorMessages"\s*:\s*\[\s*"You do not have (?:the )?permission',
        "Jira says the user lacks a project permission for this issue or action",
        JIRA_REST,
        '{"errorMessages":["You do not have the permission to see the specified issue."],'
        '"errors":{}}',
        weight=0.75, statuses=(403, 404),
    ),
    Signature(
        "gitlab-insufficient-scope", "GitLab (RFC 6750 error body)", P,
        "body", J("error", "insufficient_scope") + r'[\s\S]{0,200}?"scope"\s*:',
        "The server (GitLab and others answer this way) says the access token lacks the scope "
        "this endpoint requires",
        GITLAB_REST,
        '{"error":"insufficient_scope","error_description":"The request requires higher '
        'privileges than provided by the access token.","scope":"api"}',
        weight=0.85, statuses=DENY,
        fix="Create a token with the scope in the response (e.g. api or read_api).",
    ),
    Signature(
        # memory: GitLab's messages.
        "gitlab-account-blocked", "GitLab", C,
        "body", r"Your account has been blocked",
        "GitLab says the user account is blocked by an administrator",
        GITLAB_REST, '{"message":"403 Forbidden - Your account has been blocked."}',
        weight=0.8, statuses=DENY,
        fix="Ask a GitLab administrator to unblock the account.",
    ),
    Signature(
        # memory: GitLab's messages.
        "gitlab-unauthorized", "GitLab", K,
        "body", J("message", "401 Unauthorized"),
        "GitLab does not accept the token (missing, invalid, expired or revoked)",
        GITLAB_REST, '{"message":"401 Unauthorized"}',
        weight=0.5, statuses=(401,),
    ),
    Signature(
        # memory: Rack::Attack's default throttled body in GitLab.
        "gitlab-retry-later", "GitLab", R,
        "body", r"\ARetry later\s*\Z",
        "GitLab's rate limiter answered 'Retry later'",
        GITLAB_RATE, "Retry later\n",
        weight=0.6, statuses=THROTTLE,
    ),
)
