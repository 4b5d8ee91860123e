package io.threatline.consumer.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.jcustenborder.cef.CEFParserFactory;
import com.github.jcustenborder.cef.Message;
import io.threatline.consumer.delivery.DeliveryBatch;
import io.threatline.consumer.delivery.DeliveryException;
import io.threatline.consumer.delivery.DeliveryRecord;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerIndicator;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The syslog sink against a real loopback TCP receiver ({@link SyslogPeer}). */
class SyslogSinkTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String HEADER = "<13>1 2026-11-29T10:15:30.789Z hub-1.test threatline - indicator - ";
    private static final String NASTY = "evil|pipe=equals\\backslash\nsecond line";

    @Test
    void shouldDeliverEachIndicatorAsOneOctetCountedRfc5424MessageCarryingACefLine() throws Exception {
        try (SyslogPeer peer = SyslogPeer.tcp();
                SyslogSink sink = sink(peer.port(), "cef")) {
            // Given three indicators, one whose value holds CEF's special characters and a newline
            List<PartnerIndicator> indicators = List.of(
                    Samples.indicator(IndicatorType.URL, LifecycleAction.NEW),
                    Samples.builder(IndicatorType.DOMAIN, LifecycleAction.UPDATE, NASTY)
                            .build(),
                    Samples.indicator(IndicatorType.SHA256, LifecycleAction.REVOKE));

            // When they are delivered as one batch
            sink.deliver(Deliveries.batch(indicators));

            // Then the receiver reads exactly three octet-counted messages, in order, one CEF line each
            List<String> received = peer.next(3, WAIT);
            CefFormatter cef = new CefFormatter();
            assertThat(received)
                    .containsExactly(
                            HEADER + cef.format(indicators.get(0)),
                            HEADER + cef.format(indicators.get(1)),
                            HEADER + cef.format(indicators.get(2)));
            // and the independent CEF parser reads the special characters back
            Message nasty = CEFParserFactory.create().parse(received.get(1).substring(HEADER.length()));
            assertThat(nasty.extensions().get("dhost")).isEqualTo(NASTY);
            assertThat(nasty.extensions().get("externalId")).isEqualTo("domain:" + NASTY);
            assertThat(peer.framingErrors()).isEmpty();
        }
    }

    @Test
    void shouldDeliverLeefLinesWhenFormatIsLeef() throws Exception {
        try (SyslogPeer peer = SyslogPeer.tcp();
                SyslogSink sink = sink(peer.port(), "leef")) {
            // Given an indicator whose value holds LEEF's delimiter, a pipe, a backslash and a newline
            PartnerIndicator indicator = Samples.builder(
                            IndicatorType.URL, LifecycleAction.NEW, "http://x.example/?a=1^b|c\\d\ne")
                    .build();

            // When it is delivered
            sink.deliver(Deliveries.batch(List.of(indicator)));

            // Then the receiver reads one LEEF line that reads back to the value as LeefFormatter documents it
            String received = peer.next(WAIT);
            assertThat(received).isEqualTo(HEADER + new LeefFormatter().format(indicator));
            LeefReader.Event event = LeefReader.parse(received.substring(HEADER.length()));
            assertThat(event.attributes().get("url")).isEqualTo("http://x.example/?a=1%5Eb%7Cc\\d e");
        }
    }

    @Test
    void shouldFailTransientlyWhenNoReceiverListens() throws Exception {
        // Given a port nobody listens on
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (SyslogSink sink = sink(port, "cef")) {
            // When a batch is delivered
            DeliveryException e = catchThrowableOfType(
                    DeliveryException.class,
                    () -> sink.deliver(
                            Deliveries.batch(List.of(Samples.indicator(IndicatorType.IPV4, LifecycleAction.NEW)))));

            // Then the failure is transient, to be retried
            assertThat(e).isNotNull();
            assertThat(e.kind()).isEqualTo(DeliveryException.Kind.TRANSIENT);
            assertThat(e.getMessage()).contains("cannot connect to syslog receiver 127.0.0.1:" + port);
        }
    }

    @Test
    void shouldReconnectAfterReceiverRestart() throws Exception {
        try (SyslogPeer peer = SyslogPeer.tcp();
                SyslogSink sink = sink(peer.port(), "cef")) {
            // Given a sink that delivered once over an open connection
            DeliveryBatch first = Deliveries.batch(List.of(Samples.indicator(IndicatorType.IPV4, LifecycleAction.NEW)));
            sink.deliver(first);
            assertThat(peer.next(WAIT))
                    .endsWith(new CefFormatter().format(first.records().get(0).indicator()));

            // When the receiver goes down, the next batch fails transiently instead of vanishing into the dead
            // connection
            peer.stop();
            DeliveryBatch second = Deliveries.batch(List.of(
                    Samples.indicator(IndicatorType.DOMAIN, LifecycleAction.NEW),
                    Samples.indicator(IndicatorType.MD5, LifecycleAction.NEW)));
            DeliveryException e = catchThrowableOfType(DeliveryException.class, () -> sink.deliver(second));
            assertThat(e).isNotNull();
            assertThat(e.kind()).isEqualTo(DeliveryException.Kind.TRANSIENT);

            // Then after the receiver is back on the same port, the retried batch arrives whole
            peer.start(peer.port());
            sink.deliver(second);
            assertThat(peer.next(2, WAIT))
                    .containsExactly(
                            HEADER
                                    + new CefFormatter()
                                            .format(second.records().get(0).indicator()),
                            HEADER
                                    + new CefFormatter()
                                            .format(second.records().get(1).indicator()));
            assertThat(peer.framingErrors()).isEmpty();
        }
    }

    @Test
    void shouldFailTransientlyWhenTheReceiverStopsReadingLongerThanTheWriteTimeout() throws Exception {
        try (SyslogPeer peer = SyslogPeer.tcpNotReading();
                SyslogSink sink = (SyslogSink) new SyslogSinkFactory()
                        .create(Deliveries.settings(Map.of(
                                "host",
                                "127.0.0.1",
                                "port",
                                Integer.toString(peer.port()),
                                "hostname",
                                "hub-1.test",
                                "write_timeout",
                                "PT0.5S")))) {
            // Given a receiver that accepts but never reads, and a batch far larger than the socket buffers
            List<PartnerIndicator> many = new ArrayList<>();
            for (int k = 0; k < 20_000; k++) {
                many.add(Samples.builder(IndicatorType.DOMAIN, LifecycleAction.NEW, "host-" + k + ".bad.example")
                        .build());
            }

            // When the batch is delivered
            DeliveryException e =
                    catchThrowableOfType(DeliveryException.class, () -> sink.deliver(Deliveries.batch(many)));

            // Then the write is abandoned as a transient failure naming the timeout
            assertThat(e).isNotNull();
            assertThat(e.kind()).isEqualTo(DeliveryException.Kind.TRANSIENT);
            assertThat(e.getMessage()).contains("did not finish within 500 ms");
        }
    }

    @Test
    void shouldRefuseTrendStatisticsAsSomethingSyslogCannotExpress() throws Exception {
        try (SyslogPeer peer = SyslogPeer.tcp();
                SyslogSink sink = sink(peer.port(), "cef")) {
            // Given a statistic and an indicator
            DeliveryRecord statistic = Deliveries.record(Deliveries.statistic());
            DeliveryRecord indicator = Deliveries.record(Samples.indicator(IndicatorType.IPV4, LifecycleAction.NEW));

            // When the sink is asked whether it can carry them
            // Then it refuses the statistic with a reason and accepts the indicator
            assertThat(sink.cannotExpress(statistic))
                    .hasValueSatisfying(r -> assertThat(r).contains("trend statistics"));
            assertThat(sink.cannotExpress(indicator)).isEmpty();

            // and a batch holding a statistic fails permanently without sending any of it
            DeliveryException e = catchThrowableOfType(
                    DeliveryException.class, () -> sink.deliver(Deliveries.batchOf(List.of(indicator, statistic))));
            assertThat(e).isNotNull();
            assertThat(e.kind()).isEqualTo(DeliveryException.Kind.PERMANENT);
            assertThat(e.reasonCode()).isEqualTo("CHANNEL_CANNOT_EXPRESS");
            sink.deliver(Deliveries.batchOf(
                    List.of(Deliveries.record(Samples.indicator(IndicatorType.EMAIL, LifecycleAction.NEW)))));
            assertThat(peer.next(WAIT)).contains("suser=phisher@bad.example.com");
            assertThat(peer.pending()).isEmpty();
        }
    }

    private static SyslogSink sink(int port, String format) {
        return (SyslogSink) new SyslogSinkFactory()
                .create(Deliveries.settings(Map.of(
                        "host",
                        "127.0.0.1",
                        "port",
                        Integer.toString(port),
                        "format",
                        format,
                        "hostname",
                        "hub-1.test")));
    }
}
