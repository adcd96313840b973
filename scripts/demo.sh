#!/usr/bin/env bash
# `make demo`: the reference receiver and the widget side by side on 127.0.0.1, with the
# Mpower offer and the three fictional employees, and the fictional second offer and its
# three. Ctrl-C stops them all.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-8080}
RECEIVER_PORT=${RECEIVER_PORT:-8787}
IDP_PORT=${IDP_PORT:-8788}
mkdir -p target/demo
# A demonstration identity provider (e2e/idp.mjs) for HR's results page: OpenID Connect,
# authorization code with PKCE, a button per user instead of a password.
node e2e/idp.mjs "$IDP_PORT" "http://127.0.0.1:$PORT/results.html" > target/demo/idp.log 2>&1 &
idp=$!
target/server/election-receiver serve \
  --config crates/election-receiver/demo.toml \
  --listen "127.0.0.1:$RECEIVER_PORT" \
  --allow-origin "http://127.0.0.1:$PORT" &
receiver=$!
trap 'kill "$receiver" "$idp" 2>/dev/null || true' EXIT INT TERM
sleep 1
kill -0 "$receiver" 2>/dev/null || { echo "the receiver did not start (is port $RECEIVER_PORT taken?)" >&2; exit 1; }
cat <<MSG

  Election widget:   http://127.0.0.1:$PORT
  Another offer:     http://127.0.0.1:$PORT/?offer=example-offers/halden-2001/offer.json&holder=example-offers/halden-2001/holders/e2101-rosa-delgado.json
                     (fictional: parts of grants for restricted stock units; previewed)
  Example portals:   http://127.0.0.1:$PORT/examples/portal-element.html
                     http://127.0.0.1:$PORT/examples/portal-iframe.html
  Sign and deliver:  http://127.0.0.1:$PORT/examples/portal-delivery.html
                     (Avery Lindqvist's election, signed in the browser and sent to the
                     receiver below; the receipt is verified with its key)
  HR's results:      http://127.0.0.1:$PORT/results.html
                     (sign in as "Harper Hale (HR)" at the demonstration identity
                     provider on :$IDP_PORT; participation, the CSVs, the export)
  Receiver:          http://127.0.0.1:$RECEIVER_PORT/v1/offer   (docs/PROTOCOL.md)
                     http://127.0.0.1:$RECEIVER_PORT/offers/halden-2001-rsu-exchange/v1/offer
                     (each offer with its own database in target/demo/ and its own
                     receipt chain); demo tokens in crates/election-receiver/demo.toml
  Ctrl-C stops them all.

MSG
# The widget's pages from the project's own server, with their headers (the
# Content-Security-Policy names the receiver, which the delivery example talks to).
target/server/election-receiver pages --dir dist --listen "127.0.0.1:$PORT" \
  --connect-src "http://127.0.0.1:$RECEIVER_PORT" --connect-src "http://127.0.0.1:$IDP_PORT"
