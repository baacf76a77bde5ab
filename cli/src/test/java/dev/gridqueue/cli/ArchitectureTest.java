package dev.gridqueue.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module map, checked on the compiled classes of every module (this module's classpath holds
 * them all): data flows one way, client → gateway → grid → scheduler → worker, and no module uses
 * another's {@code internal} packages. docs/architecture.md draws the same map.
 */
class ArchitectureTest {
  /** Each module's root package. */
  private static final List<String> MODULES =
      List.of(
          "dev.gridqueue.client",
          "dev.gridqueue.grid",
          "dev.gridqueue.shareddata",
          "dev.gridqueue.scheduler",
          "dev.gridqueue.worker",
          "dev.gridqueue.server",
          "dev.gridqueue.cli");

  private static final Pattern TEST_JAR = Pattern.compile(".*-tests\\.jar!/.*");

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // Other modules' test-jars (grid-config, grid-server, worker-node) are tests too, but
            // DO_NOT_INCLUDE_TESTS knows only target/test-classes. Once a module is packaged, Maven
            // puts its *-tests.jar on this classpath instead, and the rules, meant for main code,
            // failed on tests that read internals on purpose (SharedDataNearCacheIT's fetch count).
            .withImportOption(location -> !location.matches(TEST_JAR))
            .importPackages("dev.gridqueue");
  }

  @Test
  void shouldKeepEachModulesInternalPackagesToItself() {
    for (String module : MODULES) {
      noClasses()
          .that()
          .resideOutsideOfPackage(module + "..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage(module + "..internal..")
          .because("a module's internal packages are its own (" + module + ")")
          .check(classes);
    }
  }

  @Test
  void shouldKeepTheSchedulerFreeOfTheWireAndOfWorkers() {
    noClasses()
        .that()
        .resideInAPackage("dev.gridqueue.scheduler..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.gridqueue.proto..",
            "io.grpc..",
            "com.google.protobuf..",
            "dev.gridqueue.worker..",
            "dev.gridqueue.server..",
            "dev.gridqueue.shareddata..",
            "dev.gridqueue.client..")
        .because("the scheduler decides from the grid's stored schema only")
        .check(classes);
  }

  @Test
  void shouldKeepTheGridSchemaBelowEveryRole() {
    noClasses()
        .that()
        .resideInAPackage("dev.gridqueue.grid..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.gridqueue.scheduler..",
            "dev.gridqueue.worker..",
            "dev.gridqueue.server..",
            "dev.gridqueue.shareddata..",
            "dev.gridqueue.cli..",
            "io.grpc..")
        .check(classes);
  }

  @Test
  void shouldKeepWorkersAndSharedDataOffTheServer() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.gridqueue.worker..", "dev.gridqueue.shareddata..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.gridqueue.scheduler..",
            "dev.gridqueue.server..",
            "dev.gridqueue.cli..",
            "io.grpc..")
        .check(classes);
  }

  @Test
  void shouldKeepTheHandlerApiOnTheJdkAlone() {
    classes()
        .that()
        .resideInAPackage("dev.gridqueue.worker.api..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("dev.gridqueue.worker.api..", "java..")
        .because(
            "handler jars compile against worker-api alone, and on a worker see only it and the JDK")
        .check(classes);
  }

  @Test
  void shouldBuildTheBuiltInAppsOnTheHandlerApiOnly() {
    classes()
        .that()
        .resideInAPackage("dev.gridqueue.worker.apps..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("dev.gridqueue.worker.apps..", "dev.gridqueue.worker.api..", "java..")
        .because("the built-in apps are handlers like any other")
        .check(classes);
  }

  @Test
  void shouldKeepTheClientThin() {
    noClasses()
        .that()
        .resideInAPackage("dev.gridqueue.client..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.apache.ignite..",
            "dev.gridqueue.grid..",
            "dev.gridqueue.server..",
            "dev.gridqueue.scheduler..",
            "dev.gridqueue.worker..")
        .because("clients talk gRPC only")
        .check(classes);
  }

  @Test
  void shouldHaveNoCyclesBetweenModules() {
    slices().matching("dev.gridqueue.(*)..").should().beFreeOfCycles().check(classes);
  }
}
