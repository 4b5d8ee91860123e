package io.threatline.streams.reference;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.reference.FamilyAlias;
import io.threatline.streams.reference.TestFiles.Rows;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MispGalaxyAliasLoaderTest {

    private final MispGalaxyAliasLoader loader = new MispGalaxyAliasLoader();
    private final Rows<FamilyAlias> rows = new Rows<>();

    @Test
    void shouldMapCaphawToShylockFromTheMalpediaGalaxy() throws IOException {
        LoadResult result = loader.load(TestFiles.path("misp-galaxy/malpedia.json"), rows);

        assertThat(rows.value("caphaw").getFamily()).isEqualTo("Shylock");
        assertThat(rows.value("caphaw").getAlias()).isEqualTo("Caphaw");
        assertThat(rows.value("caphaw").getSource()).isEqualTo("misp-galaxy:malpedia");
        assertThat(result.source()).isEqualTo("malpedia.json");
        assertThat(result.rows()).isEqualTo(rows.rows.size());
    }

    @Test
    void shouldMapEachCanonicalNameToItselfWithLowerCaseKeys() throws IOException {
        loader.load(TestFiles.path("misp-galaxy/banker.json"), rows);

        assertThat(rows.value("zeus").getFamily()).isEqualTo("Zeus");
        assertThat(rows.value("zbot").getFamily()).isEqualTo("Zeus");
        assertThat(rows.value("icedid").getFamily()).isEqualTo("IcedID");
        assertThat(rows.keys()).allSatisfy(key -> assertThat(key).isLowerCase());
    }

    @Test
    void shouldTrimAliasesAsPublished() throws IOException {
        // banker.json lists Qakbot's synonym as "Qbot " with a trailing space
        loader.load(TestFiles.path("misp-galaxy/banker.json"), rows);

        assertThat(rows.value("qbot").getAlias()).isEqualTo("Qbot");
        assertThat(rows.value("qbot").getFamily()).isEqualTo("Qakbot");
    }

    @Test
    void shouldKeepTheFirstClaimOfAnAliasAndReportTheConflictWithBothLocations() throws IOException {
        // Cridex is a synonym of both Dridex (first) and Feodo in the banker galaxy
        LoadResult result = loader.load(TestFiles.path("misp-galaxy/banker.json"), rows);

        assertThat(rows.value("cridex").getFamily()).isEqualTo("Dridex");
        assertThat(rows.keys()).doesNotHaveDuplicates();
        assertThat(result.problems()).anySatisfy(p -> {
            assertThat(p.location()).startsWith("banker.json: values[").contains("\"Feodo\"");
            assertThat(p.message()).contains("\"Cridex\"").contains("\"Dridex\"");
        });
    }

    @Test
    void shouldGiveTheFirstLoadedFilePriorityAcrossFiles() throws IOException {
        loader.load(TestFiles.path("misp-galaxy/banker.json"), rows);
        LoadResult malpedia = loader.load(TestFiles.path("misp-galaxy/malpedia.json"), rows);

        // banker: Geodo has synonym Emotet; malpedia: Emotet is a cluster of its own
        assertThat(rows.value("emotet").getFamily()).isEqualTo("Geodo");
        assertThat(rows.keys()).doesNotHaveDuplicates();
        assertThat(malpedia.problems())
                .anySatisfy(
                        p -> assertThat(p.location()).contains("malpedia.json").contains("\"Emotet\""));
        // Same mapping in both galaxies (zeus -> Zeus) is not a conflict
        assertThat(malpedia.problems()).noneSatisfy(p -> assertThat(p.message()).contains("\"Zeus\""));
    }

    @Test
    void shouldReportBrokenClustersByIndexAndLoadTheRest() throws IOException {
        LoadResult result = loader.load(TestFiles.path("misp-galaxy/broken.json"), rows);

        assertThat(rows.keys())
                .containsExactlyInAnyOrder(
                        "goodfamily", "goodalias", "synonymsnotalist", "mixedsynonyms", "realalias", "thief");
        assertThat(result.problems())
                .extracting(LoadProblem::location)
                .containsExactlyInAnyOrder(
                        "broken.json: values[1]",
                        "broken.json: values[2] \"SynonymsNotAList\"",
                        "broken.json: values[3] \"MixedSynonyms\" meta.synonyms[0]",
                        "broken.json: values[3] \"MixedSynonyms\" meta.synonyms[1]",
                        "broken.json: values[4] \"Thief\"");
    }

    @Test
    void shouldReportInvalidJsonWithLineAndColumn() throws IOException {
        LoadResult result = loader.load(TestFiles.path("misp-galaxy/truncated.json"), rows);

        assertThat(rows.rows).isEmpty();
        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.location()).matches("truncated\\.json:1:\\d+");
            assertThat(p.message()).startsWith("is not valid JSON");
        });
    }

    @Test
    void shouldReportAFileWithoutClusters() throws IOException {
        LoadResult result = loader.load(
                "empty.json", new ByteArrayInputStream("{\"name\": \"x\"}".getBytes(StandardCharsets.UTF_8)), rows);

        assertThat(result.problems())
                .extracting(LoadProblem::toString)
                .containsExactly("empty.json: has no \"values\" array of clusters");
    }
}
