package io.threatline.agreements.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.threatline.contract.ChannelSettings;
import io.threatline.contract.DataKind;
import io.threatline.contract.DeliveryChannel;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.Tlp;
import io.threatline.schemas.Result;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AgreementFilesTest {

    static final Path EXAMPLES = Path.of("../examples/agreements");
    static final Path INVALID = Path.of("src/test/resources/agreements");

    // ---- the scenario's examples

    @Test
    void shouldLoadEuropolEc3AsOpenEndedStatisticsAndTrendsWithoutIndicators() {
        PartnerAgreement a = AgreementFiles.load(EXAMPLES.resolve("europol-ec3.yaml"));

        assertThat(a.getPartnerId()).isEqualTo("europol-ec3");
        assertThat(a.getPartnerName()).isEqualTo("Europol EC3");
        assertThat(a.getVersion()).isEqualTo(1);
        assertThat(a.getDataKinds()).containsExactly(DataKind.STATISTICS, DataKind.TRENDS);
        assertThat(a.getDataKinds()).doesNotContain(DataKind.INDICATORS);
        assertThat(a.getStatisticsMinimumCount()).isEqualTo(5);
        assertThat(a.getValidFrom()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(a.getValidUntil()).isNull();
        assertThat(a.getRedistributionAllowed()).isFalse();
    }

    @Test
    void shouldLoadInterpolWithThreeYearTermGreenCeilingRedistributionAndTwoChannels() {
        PartnerAgreement a = AgreementFiles.load(EXAMPLES.resolve("interpol.yaml"));

        assertThat(a.getPartnerId()).isEqualTo("interpol");
        assertThat(a.getDataKinds()).containsExactly(DataKind.INDICATORS, DataKind.SIGHTINGS);
        assertThat(a.getTlpCeiling()).isEqualTo(Tlp.GREEN);
        assertThat(a.getValidFrom()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(a.getValidUntil()).isEqualTo(Instant.parse("2029-01-01T00:00:00Z"));
        assertThat(a.getRedistributionAllowed()).isTrue();
        assertThat(a.getRedistributionScope()).isEqualTo("INTERPOL member countries");
        assertThat(a.getRedaction().getDropProviderAttribution()).isTrue();
        assertThat(a.getRedaction().getDropSensorIds()).isTrue();
        assertThat(a.getChannels())
                .extracting(ChannelSettings::getChannel)
                .containsExactly(DeliveryChannel.TAXII, DeliveryChannel.KAFKA);
        assertThat(a.getChannels().get(0).getSettings()).containsEntry("password", "secret:interpol/taxii-password");
    }

    @Test
    void shouldRefuseAReferenceToAnyEnvironmentVariableNotMeantForAgreements() {
        String head = "partner_id: p\npartner_name: P\nagreement_id: A\nversion: 1\nvalid_from: 2026-01-01\n"
                + "data_kinds: [indicators]\ntlp_ceiling: TLP:GREEN\nchannels:\n  - channel: webhook\n    settings:\n";

        PartnerAgreement accepted = AgreementFiles.parse(
                head + "      url: https://h.example.org/ti\n" + "      hmac_key: ${THREATLINE_SECRET_P_HMAC}\n",
                "ok.yaml");
        assertThat(accepted.getChannels().get(0).getSettings())
                .containsEntry("hmac_key", "${THREATLINE_SECRET_P_HMAC}");

        assertThatThrownBy(() -> AgreementFiles.parse(head + "      hmac_key: ${KAFKA_SASL_PASSWORD}\n", "bad.yaml"))
                .isInstanceOfSatisfying(
                        InvalidAgreementException.class,
                        e -> assertThat(e.code()).isEqualTo(AgreementFiles.LITERAL_SECRET))
                .hasMessageContaining("variables meant for agreements")
                .hasMessageContaining("${THREATLINE_SECRET_HMAC_KEY}");
        assertThatThrownBy(() -> AgreementFiles.parse(head + "      url: https://h.example.org/${HOME}\n", "bad.yaml"))
                .isInstanceOfSatisfying(
                        InvalidAgreementException.class,
                        e -> assertThat(e.code()).isEqualTo(AgreementFiles.LITERAL_SECRET));
    }

    @Test
    void shouldTellSecretSettingsFromFilePathsByTheWordsOfTheirNames() {
        String head = "partner_id: p\npartner_name: P\nagreement_id: A\nversion: 1\nvalid_from: 2026-01-01\n"
                + "data_kinds: [indicators]\ntlp_ceiling: TLP:GREEN\nchannels:\n  - channel: syslog\n    settings:\n";

        PartnerAgreement accepted = AgreementFiles.parse(
                head + "      keystore: /etc/threatline/client.p12\n      keystore_password: secret:p/keystore\n",
                "ok.yaml");
        assertThat(accepted.getChannels().get(0).getSettings()).containsEntry("keystore", "/etc/threatline/client.p12");

        assertThatThrownBy(() -> AgreementFiles.parse(head + "      hmac_key: hunter2hunter2hunter2\n", "bad.yaml"))
                .isInstanceOfSatisfying(
                        InvalidAgreementException.class,
                        e -> assertThat(e.code()).isEqualTo(AgreementFiles.LITERAL_SECRET))
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> AgreementFiles.parse(head + "      apiToken: abc\n", "bad.yaml"))
                .isInstanceOfSatisfying(
                        InvalidAgreementException.class,
                        e -> assertThat(e.code()).isEqualTo(AgreementFiles.LITERAL_SECRET));
    }

    @Test
    void shouldLoadNcaOperationTovarScopedToShylockUpToAmberForSixMonths() {
        PartnerAgreement a = AgreementFiles.load(EXAMPLES.resolve("nca-operation-tovar.yaml"));

        assertThat(a.getPartnerId()).isEqualTo("nca-operation-tovar");
        assertThat(a.getDataKinds()).containsExactly(DataKind.INDICATORS, DataKind.SIGHTINGS);
        assertThat(a.getTlpCeiling()).isEqualTo(Tlp.AMBER);
        assertThat(a.getScope().getMalwareFamilies()).containsExactly("Shylock");
        assertThat(a.getScope().getIndicatorTypes()).isEmpty();
        assertThat(a.getValidFrom()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
        assertThat(a.getValidUntil()).isEqualTo(Instant.parse("2027-05-01T00:00:00Z"));
        assertThat(a.getChannels())
                .extracting(ChannelSettings::getChannel)
                .containsExactly(DeliveryChannel.SYSLOG, DeliveryChannel.FILES);
        assertThat(a.getChannels().get(0).getSettings())
                .containsEntry("format", "cef")
                .containsEntry("port", "6514");
    }

    @Test
    void shouldLoadEveryExampleInTheExamplesDirectoryAndIgnoreTheReadme() {
        List<PartnerAgreement> all = AgreementFiles.loadAll(EXAMPLES);

        assertThat(all)
                .extracting(PartnerAgreement::getPartnerId)
                .containsExactly("europol-ec3", "interpol", "nca-operation-tovar");
    }

    @ParameterizedTest(name = "{0} survives toYaml and parse unchanged")
    @ValueSource(strings = {"europol-ec3.yaml", "interpol.yaml", "nca-operation-tovar.yaml"})
    void shouldRoundTripExamplesThroughToYaml(String file) {
        PartnerAgreement a = AgreementFiles.load(EXAMPLES.resolve(file));

        String yaml = AgreementFiles.toYaml(a);

        assertThat(AgreementFiles.parse(yaml, "shown.yaml")).as(yaml).isEqualTo(a);
    }

    @Test
    void shouldShowAnAgreementWithSnakeCaseNamesAndTlpLabel() {
        String yaml = AgreementFiles.toYaml(AgreementFiles.load(EXAMPLES.resolve("interpol.yaml")));

        assertThat(yaml)
                .contains("partner_id: interpol")
                .contains("valid_until: 2029-01-01")
                .contains("tlp_ceiling: TLP:GREEN")
                .contains("embargo: PT0S")
                .contains("scope: INTERPOL member countries")
                .doesNotContain("term:");
    }

    @ParameterizedTest(name = "the documented {0} example in examples/agreements/README.md is valid")
    @ValueSource(strings = {"yaml", "json"})
    void shouldAcceptTheDocumentedExamples(String language) throws Exception {
        String readme = java.nio.file.Files.readString(EXAMPLES.resolve("README.md"));
        String fence = "```" + language + "\n";
        int start = readme.indexOf(fence) + fence.length();
        String example = readme.substring(start, readme.indexOf("```", start));

        PartnerAgreement a = AgreementFiles.parse(example, "README." + language);

        assertThat(a.getPartnerId()).isEqualTo("interpol");
        assertThat(a.getTlpCeiling()).isEqualTo(Tlp.GREEN);
        assertThat(a.getValidUntil()).isEqualTo(Instant.parse("2029-01-01T00:00:00Z"));
    }

    @Test
    void shouldDocumentTheSameExampleInTheJavadocAndTheReadme() throws Exception {
        String readme = java.nio.file.Files.readString(EXAMPLES.resolve("README.md"));
        String yaml = readme.substring(readme.indexOf("```yaml\n") + "```yaml\n".length());
        yaml = yaml.substring(0, yaml.indexOf("```"));
        String source = java.nio.file.Files.readString(
                Path.of("src/main/java/io/threatline/agreements/files/AgreementFiles.java"));
        String javadoc = source.substring(source.indexOf("<pre>{@code\n") + "<pre>{@code\n".length());
        javadoc = javadoc.substring(0, javadoc.indexOf(" * }</pre>")).replaceAll("(?m)^ \\* ?", "");

        assertThat(javadoc.replace("(see AgreementPolicy)", "(see below)")).isEqualTo(yaml);
    }

    // ---- defaults, JSON, alternatives

    @Test
    void shouldReadTheRetentionAndPersonalDataHandlingAndWriteThemBack() {
        String yaml = minimal() + "retention: P90D\nredaction:\n  personal_data: mask\n";

        PartnerAgreement a = AgreementFiles.parse(yaml, "kept.yaml");

        assertThat(a.getRetentionMillis())
                .isEqualTo(java.time.Duration.ofDays(90).toMillis());
        assertThat(a.getRedaction().getPersonalData()).isEqualTo(io.threatline.contract.PersonalDataHandling.MASK);
        assertThat(AgreementFiles.toYaml(a)).contains("retention: PT2160H", "personal_data: mask");
        assertThat(AgreementFiles.parse(AgreementFiles.toYaml(a), "shown.yaml")).isEqualTo(a);
    }

    @Test
    void shouldApplyFailSafeDefaultsToOptionalFields() {
        PartnerAgreement a = AgreementFiles.load(INVALID.resolve("valid-minimal.yaml"));

        assertThat(a.getScope().getIndicatorTypes()).isEmpty();
        assertThat(a.getScope().getMinimumConfidence()).isZero();
        assertThat(a.getRedaction().getDropProviderAttribution()).isTrue();
        assertThat(a.getRedaction().getDropSensorIds()).isTrue();
        assertThat(a.getRedaction().getObfuscateAffectedParties()).isTrue();
        assertThat(a.getEmbargoMillis()).isZero();
        // Not stated: the operator's default retention applies; personal data kept unless the agreement says
        assertThat(a.getRetentionMillis()).isZero();
        assertThat(a.getRedaction().getPersonalData()).isEqualTo(io.threatline.contract.PersonalDataHandling.KEEP);
        assertThat(a.getRedistributionAllowed()).isFalse();
        assertThat(a.getRedistributionScope()).isNull();
        assertThat(a.getStatisticsMinimumCount()).isEqualTo(5);
        assertThat(a.getChannels()).isEmpty();
    }

    @Test
    void shouldReadJsonWithOffsetInstantTermReferencesAndAnyCaseNames() {
        PartnerAgreement a = AgreementFiles.load(INVALID.resolve("valid-term.json"));

        assertThat(a.getVersion()).isEqualTo(3);
        assertThat(a.getValidFrom()).isEqualTo(Instant.parse("2026-03-01T11:00:00Z"));
        assertThat(a.getValidUntil()).isEqualTo(Instant.parse("2027-09-01T11:00:00Z"));
        assertThat(a.getTlpCeiling()).isEqualTo(Tlp.AMBER_STRICT);
        assertThat(a.getScope().getIndicatorTypes()).containsExactly(IndicatorType.IPV4, IndicatorType.URL);
        assertThat(a.getScope().getCountries()).containsExactly("DE", "FR");
        assertThat(a.getEmbargoMillis()).isEqualTo(Duration.ofHours(6).toMillis());
        assertThat(a.getChannels().get(0).getSettings())
                .isEqualTo(Map.of(
                        "url",
                        "https://hooks.example.org/ti",
                        "auth_token",
                        "${THREATLINE_SECRET_CERT_EXAMPLE_TOKEN}",
                        "retries",
                        "3"));
    }

    @Test
    void shouldDetectTheFormatByExtensionThenByContent() {
        assertThat(AgreementFiles.detect("a.yml", "{}")).isEqualTo(AgreementFiles.Format.YAML);
        assertThat(AgreementFiles.detect("a.JSON", "x: 1")).isEqualTo(AgreementFiles.Format.JSON);
        assertThat(AgreementFiles.detect("agreement", "  \n{\"a\": 1}")).isEqualTo(AgreementFiles.Format.JSON);
        assertThat(AgreementFiles.detect("agreement", "partner_id: x")).isEqualTo(AgreementFiles.Format.YAML);
        assertThat(AgreementFiles.detect(null, "\uFEFF{}")).isEqualTo(AgreementFiles.Format.JSON);
    }

    @Test
    void shouldParseJsonContentWithoutAKnownExtension() throws Exception {
        String json = java.nio.file.Files.readString(INVALID.resolve("valid-term.json"));

        assertThat(AgreementFiles.parse(json, "stdin").getAgreementId()).isEqualTo("CERT-EX-1");
    }

    @ParameterizedTest(name = "tlp_ceiling ''{0}'' is {1}")
    @CsvSource(delimiter = '|', textBlock = """
            TLP:CLEAR        | CLEAR
            green            | GREEN
            TLP:AMBER        | AMBER
            amber+strict     | AMBER_STRICT
            TLP:AMBER+STRICT | AMBER_STRICT
            AMBER_STRICT     | AMBER_STRICT
            tlp:red          | RED
            """)
    void shouldAcceptTlpCeilingsAsPeopleWriteThem(String written, Tlp expected) {
        String yaml = minimal().replace("tlp_ceiling: TLP:AMBER", "tlp_ceiling: '" + written + "'");

        assertThat(AgreementFiles.parse(yaml, "x.yaml").getTlpCeiling()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "setting {0}: {1} is accepted")
    @CsvSource(delimiter = '|', textBlock = """
            password      | ${THREATLINE_SECRET_WEBHOOK_PASSWORD}
            api_key       | secret:cert-example/api-key
            client_token  | ${THREATLINE_SECRET_TOKEN_1}
            url           | https://hooks.example.org/ti?x=1
            """)
    void shouldAcceptSecretsGivenAsReferences(String key, String value) {
        String yaml =
                minimal() + "channels:\n  - channel: webhook\n    settings:\n      " + key + ": '" + value + "'\n";

        assertThat(AgreementFiles.parse(yaml, "x.yaml").getChannels().get(0).getSettings())
                .containsEntry(key, value);
    }

    // ---- refusals: each names the file, the field and the line

    @ParameterizedTest(name = "{0} is refused with {1} naming {2} on line {3}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            unknown-field.yaml                        | UNKNOWN_FIELD           | tlp_celing                       | 8
            unknown-scope-field.yaml                  | UNKNOWN_FIELD           | scope.families                   | 11
            unknown-field.json                        | UNKNOWN_FIELD           | embargo_hours                    | 9
            missing-partner-id.yaml                   | MISSING_FIELD           | partner_id                       | 0
            missing-valid-from.yaml                   | MISSING_FIELD           | valid_from                       | 0
            bad-tlp.yaml                              | INVALID_TLP             | tlp_ceiling                      | 8
            unknown-data-kind.yaml                    | UNKNOWN_DATA_KIND       | data_kinds[1]                    | 9
            unknown-indicator-type.yaml               | UNKNOWN_INDICATOR_TYPE  | scope.indicator_types[1]         | 10
            until-before-from.yaml                    | INVALID_PERIOD          | valid_until                      | 6
            term-and-until.yaml                       | CONFLICTING_FIELDS      | term                             | 7
            negative-embargo.yaml                     | NEGATIVE_EMBARGO        | embargo                          | 9
            bad-partner-id.yaml                       | INVALID_PARTNER_ID      | partner_id                       | 1
            version-zero.yaml                         | INVALID_VERSION         | version                          | 4
            version-not-a-number.yaml                 | WRONG_TYPE              | version                          | 4
            confidence-out-of-range.yaml              | CONFIDENCE_OUT_OF_RANGE | scope.minimum_confidence         | 10
            lower-case-country.yaml                   | INVALID_COUNTRY         | scope.countries[1]               | 10
            literal-secret.yaml                       | LITERAL_SECRET          | channels[1].settings.api_password | 16
            url-with-password.yaml                    | LITERAL_SECRET          | channels[0].settings.url         | 12
            unknown-channel.yaml                      | UNKNOWN_CHANNEL         | channels[0].channel              | 10
            bad-date.yaml                             | INVALID_DATE            | valid_from                       | 5
            duplicate-field.yaml                      | DUPLICATE_FIELD         | version                          | 5
            redistribution-scope-without-allowed.yaml | INVALID_VALUE           | redistribution.scope             | 10
            """)
    void shouldRefuseAnInvalidFileNamingTheField(String file, String code, String field, int line) {
        Path path = INVALID.resolve(file);

        InvalidAgreementException e =
                catchThrowableOfType(InvalidAgreementException.class, () -> AgreementFiles.load(path));

        assertThat(e).as("%s should be refused", file).isNotNull();
        assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
        assertThat(e.field()).as(e.getMessage()).isEqualTo(field);
        assertThat(e.line()).as(e.getMessage()).isEqualTo(line);
        assertThat(e.source()).isEqualTo(path.toString());
        assertThat(e.getMessage()).startsWith(path + (line > 0 ? ":" + line : "") + ": " + field + ": ");
    }

    @Test
    void shouldSayThatSecretsLiveElsewhere() {
        assertThatThrownBy(() -> AgreementFiles.load(INVALID.resolve("literal-secret.yaml")))
                .hasMessageContaining("secrets live elsewhere")
                .hasMessageContaining("${THREATLINE_SECRET_API_PASSWORD}")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void shouldSuggestTheFieldMeantByAMisspelling() {
        assertThatThrownBy(() -> AgreementFiles.load(INVALID.resolve("unknown-field.yaml")))
                .hasMessageContaining("did you mean 'tlp_ceiling'");
    }

    @Test
    void shouldRefuseJsonSyntaxErrorsWithTheLine() {
        InvalidAgreementException e = catchThrowableOfType(
                InvalidAgreementException.class, () -> AgreementFiles.load(INVALID.resolve("broken.json")));

        assertThat(e.code()).isEqualTo(AgreementFiles.NOT_PARSEABLE);
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.getMessage()).contains("broken.json:4: not valid JSON");
    }

    @Test
    void shouldRefuseMoreThanOneAgreementPerFile() {
        InvalidAgreementException e = catchThrowableOfType(
                InvalidAgreementException.class, () -> AgreementFiles.load(INVALID.resolve("two-documents.yaml")));

        assertThat(e.code()).isEqualTo(AgreementFiles.MULTIPLE_DOCUMENTS);
        assertThat(e.line()).isGreaterThan(8);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            empty file                          | ''                                  | EMPTY_FILE
            a list instead of an object         | '- a\n- b'                          | WRONG_TYPE
            no data kinds                       | 'data_kinds: [indicators]=>data_kinds: []' | MISSING_FIELD
            zero term                           | 'valid_until: 2027-01-01=>term: P0D' | INVALID_PERIOD
            term not a period                   | 'valid_until: 2027-01-01=>term: three years' | INVALID_DURATION
            embargo not a duration              | 'tlp_ceiling: TLP:AMBER=>tlp_ceiling: TLP:AMBER\nembargo: 6h' | INVALID_DURATION
            local date-time without offset      | 'valid_from: 2026-01-01=>valid_from: 2026-01-01T10:00' | INVALID_DATE
            UNKNOWN as TLP                      | 'TLP:AMBER=>UNKNOWN'                | INVALID_TLP
            unknown as data kind                | '[indicators]=>[unknown]'           | UNKNOWN_DATA_KIND
            retention not a duration            | 'tlp_ceiling: TLP:AMBER=>tlp_ceiling: TLP:AMBER\nretention: 90 days' | INVALID_DURATION
            retention under an hour             | 'tlp_ceiling: TLP:AMBER=>tlp_ceiling: TLP:AMBER\nretention: PT59M' | INVALID_DURATION
            retention over ten years            | 'tlp_ceiling: TLP:AMBER=>tlp_ceiling: TLP:AMBER\nretention: P3651D' | INVALID_DURATION
            unknown personal data handling      | 'tlp_ceiling: TLP:AMBER=>tlp_ceiling: TLP:AMBER\nredaction:\n  personal_data: blur' | INVALID_VALUE
            """)
    void shouldRefuseOtherMalformedAgreements(String name, String edit, String code) {
        String yaml;
        if (edit.contains("=>")) {
            String[] parts = edit.split("=>");
            yaml = minimal().replace(parts[0], parts[1].replace("\\n", "\n"));
        } else {
            yaml = edit.replace("\\n", "\n");
        }

        assertThatThrownBy(() -> AgreementFiles.parse(yaml, "x.yaml"))
                .isInstanceOfSatisfying(
                        InvalidAgreementException.class,
                        e -> assertThat(e.code()).isEqualTo(code));
    }

    @Test
    void shouldReturnARejectionInsteadOfThrowingFromCheck() {
        Result<PartnerAgreement> bad = AgreementFiles.check(INVALID.resolve("version-zero.yaml"));
        Result<PartnerAgreement> good = AgreementFiles.check(EXAMPLES.resolve("interpol.yaml"));

        assertThat(bad.isOk()).isFalse();
        assertThat(bad.rejection().code()).isEqualTo(AgreementFiles.INVALID_VERSION);
        assertThat(bad.rejection().message()).contains("version");
        assertThat(good.isOk()).isTrue();
    }

    @Test
    void shouldRefuseAMissingFileAsUnreadable() {
        assertThatThrownBy(() -> AgreementFiles.load(INVALID.resolve("no-such-file.yaml")))
                .isInstanceOfSatisfying(
                        InvalidAgreementException.class,
                        e -> assertThat(e.code()).isEqualTo(AgreementFiles.UNREADABLE));
    }

    private static String minimal() {
        try {
            return java.nio.file.Files.readString(INVALID.resolve("valid-minimal.yaml"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
