"""Stripe-python's verdicts on webhook cases, for tests/differential/stripe-python.test.mjs.

Reads a JSON list of cases written by that test, checks each header with
stripe.WebhookSignature.verify_header under a frozen clock, signs each payload with
stripe-python's own generate_signature_header, and writes the verdicts as JSON.

    verify_cases.py CASES.json VERDICTS.json
"""

import base64
import json
import sys
import time
from unittest import mock

import stripe
from stripe import WebhookSignature

# stripe-python raises one error class for every refusal; the message tells which.
MESSAGES = [
    ("No Stripe-Signature header value was provided", "missing_header"),
    ("No webhook secret value was provided", "invalid_secret"),
    ("Unable to extract timestamp and signatures from header", "malformed_header"),
    ("No signatures found with expected scheme", "no_v1_signature"),
    ("No signatures found matching the expected signature", "signature_mismatch"),
    ("Timestamp outside the tolerance zone", "timestamp_outside_tolerance"),
]


def verify_once(payload, header, secret, tolerance, now):
    """One secret's verdict: "verified", or the refusal as stripe-edge would name it."""
    # verify_header reads the clock itself; the case says what time it is.
    with mock.patch.object(time, "time", return_value=float(now)):
        try:
            WebhookSignature.verify_header(payload, header, secret, tolerance)
            return "verified"
        except stripe.SignatureVerificationError as error:
            message = str(error)
            for text, code in MESSAGES:
                if text in message:
                    return code
            return "other: " + message[:80]
        except TypeError:
            # hmac.compare_digest refuses str with non-ASCII characters.
            return "compare_threw"


def verify(payload, header, secrets, tolerance, now):
    """With several secrets, genuine when any verifies; that secret's verdict wins."""
    verdicts = [verify_once(payload, header, s, tolerance, now) for s in secrets]
    for verdict in verdicts:
        if verdict == "verified":
            return verdict
    for verdict in verdicts:
        if verdict not in ("signature_mismatch", "invalid_secret"):
            return verdict
    return verdicts[0]


def main():
    cases_path, verdicts_path = sys.argv[1], sys.argv[2]
    with open(cases_path, encoding="utf-8") as cases_file:
        cases = json.load(cases_file)

    verdicts = []
    for case in cases:
        payload = base64.b64decode(case["payload"])
        signed = base64.b64decode(case["signed_payload"]).decode("utf-8")
        secrets, tolerance, now = case["secrets"], case["tolerance"], case["now"]
        own_header = WebhookSignature.generate_signature_header(
            signed, case["signer"], case["timestamp"]
        )
        verdicts.append(
            {
                "as_sent": verify(payload, case["header"], secrets, tolerance, now),
                "normalised": verify(
                    payload, case["normalised"], secrets, tolerance, now
                ),
                "own_header": own_header,
                "own": verify(payload, own_header, secrets, tolerance, now),
            }
        )

    with open(verdicts_path, "w", encoding="utf-8") as verdicts_file:
        json.dump({"stripe_version": stripe.VERSION, "verdicts": verdicts}, verdicts_file)


if __name__ == "__main__":
    main()
