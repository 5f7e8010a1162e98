# source: Chromium DevTools (devtools-frontend) test expectations for curl command generation, "cURL Unix" form (the excerpt we read did not carry its file path); example.org as published
curl 'http://example.org/path' \
  --data-binary '123' \
  --compressed
