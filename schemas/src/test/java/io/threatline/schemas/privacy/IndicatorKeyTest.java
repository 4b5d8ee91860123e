package io.threatline.schemas.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndicatorKeyTest {

    @TempDir
    Path dir;

    @Test
    void shouldGiveTheSameReferenceForTheSameIdUnderTheSameKeyAndNeverTheValue() throws Exception {
        Path file = dir.resolve("secrets/indicator-key");
        IndicatorKey made = IndicatorKey.ensure(file);
        IndicatorKey read = IndicatorKey.read(file);

        String ref = made.ref("email:victim@example.org");
        assertThat(ref).matches("hmac-sha256:[0-9a-f]{64}").doesNotContain("victim");
        assertThat(read.ref("email:victim@example.org")).isEqualTo(ref);
        assertThat(read.keyId()).isEqualTo(made.keyId()).hasSize(16);
        assertThat(IndicatorKey.isRef(ref)).isTrue();
        assertThat(IndicatorKey.isRef("email:victim@example.org")).isFalse();
        // made once, readable by its owner only
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(IndicatorKey.ensure(file).ref("email:victim@example.org")).isEqualTo(ref);
    }

    @Test
    void shouldGiveAnotherReferenceUnderAnotherKey() throws Exception {
        IndicatorKey one = IndicatorKey.ensure(dir.resolve("one"));
        IndicatorKey two = IndicatorKey.ensure(dir.resolve("two"));
        assertThat(one.ref("ipv4:192.0.2.1")).isNotEqualTo(two.ref("ipv4:192.0.2.1"));
        assertThat(one.keyId()).isNotEqualTo(two.keyId());
    }

    @Test
    void shouldRefuseAShortOrUnreadableKeyFileNamingTheSetting() throws Exception {
        Path shortKey = Files.writeString(dir.resolve("short"), "c2hvcnQ=\n");
        Path junk = Files.writeString(dir.resolve("junk"), "not base64 at all!\n");

        assertThatThrownBy(() -> IndicatorKey.from(Map.of(IndicatorKey.FILE_SETTING, shortKey.toString()), "test"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(IndicatorKey.FILE_SETTING)
                .hasMessageContaining("a key needs 32");
        assertThatThrownBy(() -> IndicatorKey.from(Map.of(IndicatorKey.FILE_SETTING, junk.toString()), "test"))
                .hasMessageContaining("not base64");
        assertThatThrownBy(() -> IndicatorKey.from(
                        Map.of(IndicatorKey.FILE_SETTING, dir.resolve("missing").toString()), "test"))
                .hasMessageContaining(IndicatorKey.FILE_SETTING);
    }

    @Test
    void shouldUseAKeyOfItsOwnWhenNoneIsSet() {
        IndicatorKey ephemeral = IndicatorKey.from(Map.of(), "test");
        assertThat(ephemeral.ephemeral()).isTrue();
        assertThat(IndicatorKey.from(Map.of(), "test").ref("domain:a.example"))
                .isNotEqualTo(ephemeral.ref("domain:a.example"));
    }
}
