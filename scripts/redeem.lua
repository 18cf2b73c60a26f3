-- wrk script: every request redeems one item; each request carries the caller's token.
-- Set TOKEN and PATH_ in the environment (see bench-ledger).
wrk.method = "POST"
wrk.path = os.getenv("PATH_")
wrk.headers["authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.headers["content-type"] = "application/json"
wrk.body = '{"quantity":1}'
