/**
 * The `cometapi:index:ApiKey` resource as the plugin serves it: the engine's messages mapped to
 * the core's lifecycle (`provider/key/lifecycle.ts`) and back. `key` and the secrets the program
 * gave are marked secret, previews answer unknown for what the service generates, and the
 * engine's autonaming is honoured with a stable suffix. Every rule of a key lives in `provider/`.
 */
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import { detailedDiffEntries, fillDetailedDiff } from "../provider/key/detailedDiff.js";
import { type AutoNaming, autoName } from "../provider/key/inputs.js";
import type { CometApiKeyProvider } from "../provider/key/lifecycle.js";
import {
  API_KEY_GENERATED_NAMES,
  API_KEY_SECRET_NAMES,
  API_KEY_TOKEN,
} from "../provider/model/description.js";
import type { PluginResource } from "./pluginResource.js";
import {
  fromStruct,
  type PropertyMap,
  toStruct,
  UNKNOWN_VALUE,
  unwrapSecrets,
  withSecrets,
} from "./propertyValues.js";

/** Outputs that stay as they were while an update is previewed (everything else generated is unknown). */
const STABLE_ON_UPDATE = new Set(["keyId", "key", "maskedKey", "createdAt"]);

/** Whether `proposed` is the engine's default auto-name for `logicalName`: the name, `-`, 7 hex digits. */
function isDefaultProposal(proposed: string, logicalName: string): boolean {
  const match = /^(.*)-[0-9a-f]{7}$/.exec(proposed);
  return match !== null && match[1] !== undefined && match[1] !== "" && logicalName.startsWith(match[1]);
}

/** The ApiKey resource over `core`. */
export function apiKeyResource(core: CometApiKeyProvider): PluginResource {
  return {
    token: API_KEY_TOKEN,

    async check(req: proto.CheckRequest) {
      const olds = unwrapSecrets(fromStruct(req.getOlds())).plain;
      const { plain: news, secretNames } = unwrapSecrets(fromStruct(req.getNews()));
      const autonaming = req.getAutonaming();
      const mode = autonaming?.getMode();
      const naming: AutoNaming =
        autonaming === undefined
          ? {}
          : mode === proto.CheckRequest.AutonamingOptions.Mode.DISABLE
            ? { disabled: true }
            : { proposedName: autonaming.getProposedName() };
      const logicalName = req.getName() || req.getUrn().split("::").at(-1) || "key";
      // The engine's default proposal (`<name>-<7 random hex>`, or none) differs between a preview
      // and the `up` after it: the suffix is derived from the URN instead. Other patterns are kept.
      if (
        naming.disabled !== true &&
        (naming.proposedName === undefined || isDefaultProposal(naming.proposedName, logicalName))
      ) {
        naming.proposedName = autoName(logicalName, req.getUrn());
      } else if (naming.proposedName !== undefined) {
        naming.fromPattern = true;
      }
      const checked = await core.check(olds, { ...news, __logicalName: logicalName }, naming);
      const response = new proto.CheckResponse().setInputs(
        toStruct(withSecrets(checked.inputs, secretNames)),
      );
      for (const f of checked.failures) {
        response.addFailures(new proto.CheckFailure().setProperty(f.property).setReason(f.reason));
      }
      return response;
    },

    async diff(req: proto.DiffRequest) {
      const olds = unwrapSecrets(fromStruct(req.getOlds())).plain;
      const news = unwrapSecrets(fromStruct(req.getNews())).plain;
      const result = await core.detailedDiff(req.getId(), olds, news);
      const oldInputs = req.getOldInputs() ? unwrapSecrets(fromStruct(req.getOldInputs())).plain : undefined;
      const response = new proto.DiffResponse()
        .setChanges(
          result.changes
            ? proto.DiffResponse.DiffChanges.DIFF_SOME
            : proto.DiffResponse.DiffChanges.DIFF_NONE,
        )
        .setReplacesList(result.replaces)
        .setDeletebeforereplace(result.deleteBeforeReplace);
      fillDetailedDiff(proto, response, result, detailedDiffEntries(result, olds, oldInputs, news));
      return response;
    },

    async create(req: proto.CreateRequest) {
      const { plain: inputs, secretNames } = unwrapSecrets(fromStruct(req.getProperties()));
      if (req.getPreview()) {
        const unknowns = Object.fromEntries(API_KEY_GENERATED_NAMES.map((n) => [n, UNKNOWN_VALUE]));
        return new proto.CreateResponse().setId("").setProperties(toStruct({ ...inputs, ...unknowns }));
      }
      const { id, outs } = await core.create(inputs);
      return new proto.CreateResponse()
        .setId(id)
        .setProperties(toStruct(withSecrets(outs, [...API_KEY_SECRET_NAMES, ...secretNames])));
    },

    async read(req: proto.ReadRequest) {
      const { plain: props } = unwrapSecrets(fromStruct(req.getProperties()));
      const { secretNames } = unwrapSecrets(fromStruct(req.getInputs()));
      const result = await core.read(req.getId(), props);
      const response = new proto.ReadResponse().setId(result.id);
      if (result.id === "") return response;
      return response
        .setProperties(toStruct(withSecrets(result.props ?? {}, [...API_KEY_SECRET_NAMES, ...secretNames])))
        .setInputs(toStruct(withSecrets(result.inputs ?? {}, secretNames)));
    },

    async update(req: proto.UpdateRequest) {
      const olds = unwrapSecrets(fromStruct(req.getOlds())).plain;
      const { plain: news, secretNames } = unwrapSecrets(fromStruct(req.getNews()));
      const secrets = [...API_KEY_SECRET_NAMES, ...secretNames];
      if (req.getPreview()) {
        const previewed: PropertyMap = { ...news };
        for (const name of API_KEY_GENERATED_NAMES) {
          previewed[name] = STABLE_ON_UPDATE.has(name) ? olds[name] : UNKNOWN_VALUE;
        }
        return new proto.UpdateResponse().setProperties(toStruct(withSecrets(previewed, secrets)));
      }
      const { outs } = await core.update(req.getId(), olds, news);
      return new proto.UpdateResponse().setProperties(toStruct(withSecrets(outs, secrets)));
    },

    async delete(req: proto.DeleteRequest) {
      await core.delete(req.getId(), unwrapSecrets(fromStruct(req.getProperties())).plain);
    },
  };
}
