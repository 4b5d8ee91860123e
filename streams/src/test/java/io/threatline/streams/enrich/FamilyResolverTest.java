package io.threatline.streams.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.reference.FamilyAlias;
import io.threatline.streams.reference.MispGalaxyAliasLoader;
import io.threatline.streams.reference.TestFiles;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FamilyResolverTest {

    private final TreeMapStore<FamilyAlias> store = new TreeMapStore<>();
    private final FamilyResolver resolver = new FamilyResolver(store);

    @BeforeEach
    void loadGalaxies() throws IOException {
        MispGalaxyAliasLoader loader = new MispGalaxyAliasLoader();
        loader.load(TestFiles.path("misp-galaxy/banker.json"), store);
        loader.load(TestFiles.path("misp-galaxy/malpedia.json"), store);
    }

    @Test
    void shouldResolveCaphawToShylock() {
        assertThat(resolver.canonicalFamilies(List.of("Caphaw"))).containsExactly("Shylock");
    }

    @Test
    void shouldResolveAliasesCaseInsensitivelyAndTrimmed() {
        assertThat(resolver.canonicalFamilies(List.of("  ZBOT ", "caphaw", "qbot")))
                .containsExactly("Qakbot", "Shylock", "Zeus");
    }

    @Test
    void shouldDeduplicateAliasesOfOneFamily() {
        assertThat(resolver.canonicalFamilies(List.of("Zeus", "Zbot", "zeus"))).containsExactly("Zeus");
    }

    @Test
    void shouldKeepUnknownNamesAsReportedTrimmedAndSortTheResult() {
        List<String> families = resolver.canonicalFamilies(List.of(" NewThing ", "Caphaw", "aardvark"));

        assertThat(families).containsExactly("aardvark", "NewThing", "Shylock");
    }

    @Test
    void shouldGiveTheSameResultWhateverTheInputOrder() {
        List<String> a = resolver.canonicalFamilies(List.of("newthing", "NewThing", "Zbot"));
        List<String> b = resolver.canonicalFamilies(List.of("Zbot", "NewThing", "newthing"));

        assertThat(a).isEqualTo(b).containsExactly("NewThing", "Zeus");
    }

    @Test
    void shouldDropBlankAndNullNames() {
        assertThat(resolver.canonicalFamilies(Arrays.asList("", "  ", null))).isEmpty();
        assertThat(resolver.canonicalFamilies(null)).isEmpty();
    }
}
