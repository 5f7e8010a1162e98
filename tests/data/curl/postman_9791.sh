# source: https://github.com/postmanlabs/postman-app-support/issues/9791 (Postman "Code → cURL")
curl --location --request POST 'https://10.21.1.50/jsonrpc' \
--header 'Content-Type: application/json' \
--data-raw '{
    "method": "exec",
    "params": [
        {
            "data": {
                "passwd": "test",
                "user": "user"
            },
            "url": "/sys/login/user"
        }
    ],
    "session": "string",
    "id": 1
}'
