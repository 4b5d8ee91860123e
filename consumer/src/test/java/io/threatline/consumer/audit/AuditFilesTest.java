package io.threatline.consumer.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditFilesTest {

    @TempDir
    Path dir;

    @Test
    void shouldReadAFileUpToTheBoundAndRefuseOneByteMoreNamingIt() throws Exception {
        Path fits = dir.resolve("head.json");
        Files.writeString(fits, "x".repeat(AuditFiles.MAX_BYTES));
        Path over = dir.resolve("huge.json");
        try (RandomAccessFile f = new RandomAccessFile(over.toFile(), "rw")) {
            f.setLength(AuditFiles.MAX_BYTES + 1L);
        }

        assertThat(AuditFiles.read(fits)).hasSize(AuditFiles.MAX_BYTES);
        assertThatThrownBy(() -> AuditFiles.read(over))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(over.toString())
                .hasMessageContaining("more than " + AuditFiles.MAX_BYTES + " bytes");
    }
}
