package io.threatline.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.Tlp;

/**
 * The module boundaries and the one-home rules, checked on the compiled classes of every module
 * (the app sees them all), so the layering stays as it is described in docs/architecture.md:
 * the contract at the bottom, the agreements on it, the three services beside each other, the
 * command on top.
 */
@AnalyzeClasses(packages = "io.threatline", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final String[] ABOVE_THE_CONTRACT = {
        "io.threatline.agreements..",
        "io.threatline.producer..",
        "io.threatline.streams..",
        "io.threatline.consumer..",
        "io.threatline.app..",
        "io.threatline.platform.."
    };

    @ArchTest
    static final ArchRule publisherHubAndDeliveryNeverDependOnEachOther = slices().matching(
                    "io.threatline.(producer|streams|consumer)..")
            .should()
            .notDependOnEachOther()
            .because("they meet only in Kafka topics and the contract in schemas");

    @ArchTest
    static final ArchRule theContractDependsOnNothingOfThreatline = noClasses()
            .that()
            .resideInAnyPackage("io.threatline.schemas..", "io.threatline.contract..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(ABOVE_THE_CONTRACT)
            .because("every module builds on schemas, so it must not build on them");

    @ArchTest
    static final ArchRule theAgreementsDependOnlyOnTheContract = noClasses()
            .that()
            .resideInAPackage("io.threatline.agreements..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "io.threatline.producer..",
                    "io.threatline.streams..",
                    "io.threatline.consumer..",
                    "io.threatline.app..",
                    "io.threatline.platform..")
            .because("the hub, delivery and the command line all use the one home of agreements");

    @ArchTest
    static final ArchRule theServicesDoNotRunOnTheLocalPlatform = noClasses()
            .that()
            .resideInAnyPackage(
                    "io.threatline.producer..",
                    "io.threatline.streams..",
                    "io.threatline.consumer..",
                    "io.threatline.agreements..",
                    "io.threatline.schemas..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.threatline.platform..")
            .because(
                    "the embedded broker and registry are for the local runtime and the tests; a service runs on any cluster");

    @ArchTest
    static final ArchRule onlyTheAgreementsJudgeAnAgreementsPeriod = noClasses()
            .that()
            .resideOutsideOfPackages("io.threatline.agreements..", "io.threatline.app..")
            .should()
            .callMethod(PartnerAgreement.class, "getValidFrom")
            .orShould()
            .callMethod(PartnerAgreement.class, "getValidUntil")
            .because("whether an agreement is in force is AgreementPolicy.inForce, for the hub and delivery alike "
                    + "(the command line only prints the period)");

    @ArchTest
    static final ArchRule onlyTheTlpHomeReadsAMarkingFromText = noClasses()
            .that()
            .resideOutsideOfPackage("io.threatline.schemas.tlp..")
            .and()
            .resideOutsideOfPackage("io.threatline.contract..")
            .should()
            .callMethod(Tlp.class, "valueOf", String.class)
            .because("TLP text is read by Tlp2.parse or Tlp2.parseData, which fail closed");
}
