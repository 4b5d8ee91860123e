#!/usr/bin/env python3
"""Reads a partner topic as a librdkafka-based partner client does (Confluent's Python client), over
Threatline's mutual-TLS partner listener with the partner's certificate, and prints each record as a
JSON line {"key": ..., "value": <base64 of the Avro bytes>}. Used by LegacyPartnerClientIT.

Environment: BOOTSTRAP, TOPIC, GROUP, COUNT, TIMEOUT_S, CA, CERT, KEY.
Exit 0 with COUNT records, 2 with the error on stderr (authorization, authentication, TLS), 3 on timeout.
"""
import base64
import json
import os
import sys
import time

import confluent_kafka
from confluent_kafka import Consumer, KafkaError, KafkaException

print("librdkafka " + confluent_kafka.libversion()[0], file=sys.stderr)
errors = []


def on_error(err):
    errors.append(err)


consumer = Consumer({
    "bootstrap.servers": os.environ["BOOTSTRAP"],
    "security.protocol": "SSL",
    "ssl.ca.location": os.environ["CA"],
    "ssl.certificate.location": os.environ["CERT"],
    "ssl.key.location": os.environ["KEY"],
    "group.id": os.environ["GROUP"],
    "auto.offset.reset": "earliest",
    "enable.auto.commit": False,
    "isolation.level": "read_committed",
    "error_cb": on_error,
})
consumer.subscribe([os.environ["TOPIC"]])
wanted = int(os.environ["COUNT"])
deadline = time.time() + float(os.environ.get("TIMEOUT_S", "60"))
received = 0
try:
    while received < wanted and time.time() < deadline:
        if errors:
            fatal = [e for e in errors if e.code() in (
                KafkaError._AUTHENTICATION, KafkaError._SSL, KafkaError._ALL_BROKERS_DOWN)]
            if fatal:
                print("error: " + str(fatal[0]), file=sys.stderr)
                sys.exit(2)
        msg = consumer.poll(0.5)
        if msg is None:
            continue
        if msg.error():
            print("error: " + str(msg.error()), file=sys.stderr)
            sys.exit(2)
        print(json.dumps({
            "key": msg.key().decode("utf-8") if msg.key() is not None else None,
            "value": base64.b64encode(msg.value()).decode("ascii"),
        }))
        received += 1
finally:
    consumer.close()
if received < wanted:
    print("timeout: %d of %d records; errors: %s" % (received, wanted, [str(e) for e in errors]), file=sys.stderr)
    sys.exit(3)
