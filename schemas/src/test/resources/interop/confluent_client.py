#!/usr/bin/python3
"""Confluent's own Python client (confluent_kafka.avro, Debian's python3-confluent-kafka) as an
independent peer: reads what Threatline's serializer wrote and writes what Threatline's
deserializer must read, both through a schema registry over HTTP.

  confluent_client.py read  BOOTSTRAP REGISTRY TOPIC COUNT          -> one JSON object per record on stdout
  confluent_client.py write BOOTSTRAP REGISTRY TOPIC SCHEMA_FILE    <- one JSON object per record on stdin
"""
import datetime
import json
import sys

from confluent_kafka import Consumer, Producer
from confluent_kafka.avro import CachedSchemaRegistryClient, loads
from confluent_kafka.avro.serializer.message_serializer import MessageSerializer


def plain(value):
    """Avro values as JSON: timestamps as epoch millis, bytes as latin-1 text."""
    if isinstance(value, datetime.datetime):
        return int(value.timestamp() * 1000)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return value


def read(bootstrap, registry, topic, count):
    serializer = MessageSerializer(CachedSchemaRegistryClient(registry))
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "confluent-python-interop-" + topic,
                         "auto.offset.reset": "earliest", "enable.auto.commit": False})
    consumer.subscribe([topic])
    seen, idle = 0, 0
    try:
        while seen < count and idle < 60:
            msg = consumer.poll(1.0)
            if msg is None:
                idle += 1
                continue
            if msg.error():
                raise RuntimeError(str(msg.error()))
            record = serializer.decode_message(msg.value())
            print(json.dumps({"key": msg.key().decode("utf-8"), "value": plain(record)}), flush=True)
            seen += 1
    finally:
        consumer.close()
    if seen < count:
        sys.exit("read only %d of %d records from %s" % (seen, count, topic))


def write(bootstrap, registry, topic, schema_file):
    with open(schema_file, encoding="utf-8") as f:
        schema = loads(f.read())
    serializer = MessageSerializer(CachedSchemaRegistryClient(registry))
    producer = Producer({"bootstrap.servers": bootstrap, "acks": "all"})
    written = 0
    for line in sys.stdin:
        if not line.strip():
            continue
        record = json.loads(line)
        key = record.pop("__key")
        record["observedAt"] = datetime.datetime.fromtimestamp(record["observedAt"] / 1000.0, tz=datetime.timezone.utc)
        value = serializer.encode_record_with_schema(topic, schema, record)
        producer.produce(topic, key=key.encode("utf-8"), value=value)
        written += 1
    if producer.flush(30) != 0:
        sys.exit("not every record was delivered to " + topic)
    print("wrote %d" % written, flush=True)


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "read":
        read(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    elif mode == "write":
        write(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5])
    else:
        sys.exit("unknown mode " + mode)
