package dev.gridqueue.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.Gson;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The {@code k8s/} manifests, checked offline against the Kubernetes API types: every object is
 * read by the generated models of the Kubernetes Java client, which reject a field the API does not
 * define and a missing required one, at any depth. The kustomization lists every manifest, and the
 * pods run the image the build's {@code image} profile names.
 */
class KubernetesManifestsTest {
  private static final Path K8S = Path.of("..", "k8s");

  /** apiVersion/kind → the model the API server would read it as. */
  private static final Map<String, Class<?>> MODELS =
      Map.of(
          "v1/Namespace", V1Namespace.class,
          "v1/ServiceAccount", V1ServiceAccount.class,
          "v1/Service", V1Service.class,
          "rbac.authorization.k8s.io/v1/Role", V1Role.class,
          "rbac.authorization.k8s.io/v1/RoleBinding", V1RoleBinding.class,
          "apps/v1/StatefulSet", V1StatefulSet.class,
          "apps/v1/Deployment", V1Deployment.class,
          "policy/v1/PodDisruptionBudget", V1PodDisruptionBudget.class);

  private record Manifest(String file, Map<String, Object> object, String json) {}

  @Test
  void shouldReadEveryObjectAsItsKubernetesApiType() throws Exception {
    List<Manifest> manifests = manifests();
    assertThat(manifests).hasSizeGreaterThanOrEqualTo(MODELS.size());
    for (Manifest m : manifests) {
      String type = m.object().get("apiVersion") + "/" + m.object().get("kind");
      assertThat(MODELS).as("%s: %s", m.file(), type).containsKey(type);
      read(MODELS.get(type), m.json()); // throws naming the field and the type
    }
  }

  @Test
  void shouldRejectUnknownAndMissingFieldsTheWayTheCheckAboveReliesOn() {
    String container = "{\"name\":\"server\",\"image\":\"gridqueue:0.1.0\"%s}";
    String deployment =
        "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"w\"},"
            + "\"spec\":{\"selector\":{},\"template\":{\"spec\":{\"containers\":[%s]}}}}";
    assertThatThrownBy(
            () ->
                read(
                    V1Deployment.class,
                    deployment.formatted(container.formatted(",\"imagePullPolicyy\":\"Never\""))))
        .hasMessageContaining("imagePullPolicyy")
        .hasMessageContaining("V1Container");
    assertThatThrownBy(
            () -> read(V1Deployment.class, deployment.formatted("{\"image\":\"gridqueue:0.1.0\"}")))
        .hasMessageContaining("required field `name`");
  }

  @Test
  void shouldListEveryManifestInTheKustomizationAndRunTheImageTheBuildMakes() throws Exception {
    Map<String, Object> kustomization =
        new Yaml().load(Files.readString(K8S.resolve("kustomization.yaml")));
    List<String> files;
    try (Stream<Path> all = Files.list(K8S)) {
      files =
          all.map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml"))
              .sorted()
              .toList();
    }
    assertThat(asStrings(kustomization.get("resources")))
        .containsExactlyInAnyOrderElementsOf(files);

    Matcher built =
        Pattern.compile("<image.name>(.+):(.+)</image.name>")
            .matcher(Files.readString(Path.of("pom.xml")));
    assertThat(built.find()).as("cli/pom.xml names the image it builds").isTrue();
    List<String> images = new ArrayList<>();
    for (Manifest m : manifests()) {
      Object kind = m.object().get("kind");
      if (kind.equals("StatefulSet") || kind.equals("Deployment")) {
        V1PodSpec pod =
            kind.equals("StatefulSet")
                ? V1StatefulSet.fromJson(m.json()).getSpec().getTemplate().getSpec()
                : V1Deployment.fromJson(m.json()).getSpec().getTemplate().getSpec();
        pod.getContainers().forEach(c -> images.add(c.getImage()));
      }
    }
    assertThat(images).isNotEmpty().allMatch(i -> i.equals(built.group(1) + ":" + built.group(2)));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> overrides = (List<Map<String, Object>>) kustomization.get("images");
    assertThat(overrides)
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.get("name")).isEqualTo(built.group(1));
              assertThat(o.get("newTag")).isEqualTo(built.group(2));
            });
  }

  private static List<Manifest> manifests() throws IOException {
    List<Manifest> out = new ArrayList<>();
    Gson gson = new Gson();
    try (Stream<Path> all = Files.list(K8S)) {
      for (Path file :
          all.filter(p -> p.toString().endsWith(".yaml"))
              .filter(p -> !p.getFileName().toString().equals("kustomization.yaml"))
              .sorted()
              .toList()) {
        for (Object doc : new Yaml().loadAll(Files.readString(file))) {
          if (doc != null) {
            @SuppressWarnings("unchecked")
            Map<String, Object> object = (Map<String, Object>) doc;
            out.add(new Manifest(file.getFileName().toString(), object, gson.toJson(object)));
          }
        }
      }
    }
    return out;
  }

  /** The model's own reader: validates the JSON against the type, then reads it. */
  private static Object read(Class<?> model, String json) throws Exception {
    try {
      return model.getMethod("fromJson", String.class).invoke(null, json);
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  private static List<String> asStrings(Object list) {
    return ((List<?>) list).stream().map(String::valueOf).toList();
  }
}
