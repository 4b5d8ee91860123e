// A partner's own Kafka client, not written in Java: reads a topic from its beginning with
// SASL/SCRAM-SHA-512 in a consumer group and writes one JSON object per record on stdout (key,
// partition, offset, the value's bytes in base64). Used by NonJavaPartnerClientIT; nothing here
// decodes Avro, so the test checks the bytes the partner received with the project's own serde.
// Settings from the environment: BOOTSTRAP, USER, PASSWORD, TOPIC, GROUP, COUNT, TIMEOUT_MS.
// Exit 0 once COUNT records arrived; 2 with "ERROR <name>: <message>" on stderr on any error.
'use strict';
const { Kafka, logLevel } = require('kafkajs');

const env = (name) => {
  const value = process.env[name];
  if (!value) {
    process.stderr.write(`ERROR Config: ${name} is not set\n`);
    process.exit(2);
  }
  return value;
};

async function main() {
  const kafka = new Kafka({
    clientId: 'threatline-kafkajs-partner',
    brokers: env('BOOTSTRAP').split(','),
    sasl: { mechanism: 'scram-sha-512', username: env('USER'), password: env('PASSWORD') },
    ssl: false,
    logLevel: process.env.KAFKAJS_LOG ? logLevel[process.env.KAFKAJS_LOG] : logLevel.NOTHING,
    retry: { retries: 2 },
  });
  const wanted = Number(env('COUNT'));
  const consumer = kafka.consumer({ groupId: env('GROUP') });
  const timeout = setTimeout(() => fail(new Error(`timed out with fewer than ${wanted} records`)), Number(env('TIMEOUT_MS')));
  let received = 0;
  const fail = async (error) => {
    process.stderr.write(`ERROR ${error.name || 'Error'}: ${error.message}\n`);
    process.exit(2);
  };
  consumer.on(consumer.events.CRASH, (event) => fail(event.payload.error));
  await consumer.connect();
  await consumer.subscribe({ topic: env('TOPIC'), fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      process.stdout.write(JSON.stringify({
        key: message.key ? message.key.toString('utf8') : null,
        partition,
        offset: message.offset,
        value: message.value ? message.value.toString('base64') : null,
      }) + '\n');
      received += 1;
      if (received === wanted) {
        clearTimeout(timeout);
        // Not awaited here: disconnecting waits for this handler to return.
        setImmediate(() => consumer.disconnect().then(() => process.exit(0), fail));
      }
    },
  });
}

main().catch((error) => {
  process.stderr.write(`ERROR ${error.name || 'Error'}: ${error.message}\n`);
  process.exit(2);
});
