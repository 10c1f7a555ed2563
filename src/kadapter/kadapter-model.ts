// A PLM with knowledge adapters beside it and their fusion: K-Adapter's model without its task head
// (microsoft/K-Adapter ETModel / TACREDModel minus dense and out_proj), checked against PyTorch in
// tests/parity/kadapter.test.ts and run by every K-Adapter task (pretraining, downstream, the baseline):
//   BertModel(input) -> hidden states -> each KnowledgeAdapter -> KnowledgeFusion(h_plm, adapter outputs)
// With no adapters (the baseline) the features are the PLM's last hidden state; without a fusion (adapter
// pretraining) they are too, and the heads read adapterOutputs themselves.
// Parameter paths say which group a tensor is in, so a training loop can freeze any of them (the reference
// fine-tunes the PLM and freezes the adapters; adapter pretraining freezes the PLM):
//   plm.…           the PLM (BertModel's names)
//   adapters.<k>.…  knowledge adapter k (KnowledgeAdapter's names)
//   fusion.…        the fusion Linears (concat mode only)
import type { Tensor } from "../autograd/index.js";
import { ConfigError } from "../errors.js";
import { Module, ModuleList, type ForwardContext } from "../nn/index.js";
import type { BertModel, EncoderInput } from "../models/index.js";
import type { KnowledgeFusion } from "./fusion.js";
import type { KnowledgeAdapter } from "./knowledge-adapter.js";

export interface KAdapterOutput {
  plmLast: Tensor; // (B,T,H) the PLM's last hidden state
  adapterOutputs: Tensor[]; // (B,T,H) each, in adapter order
  features: Tensor; // (B,T,H) the fused task features the head reads
}

export interface KAdapterParameterGroups {
  plm: [string, Tensor][];
  adapters: [string, Tensor][];
  fusion: [string, Tensor][];
}

export class KAdapterModel extends Module {
  readonly adapters: ModuleList<KnowledgeAdapter>;

  constructor(readonly plm: BertModel, adapters: readonly KnowledgeAdapter[], readonly fusion: KnowledgeFusion | null) {
    super();
    const { hiddenSize: H, numLayers: L } = plm.config;
    adapters.forEach(({ config }, k) => {
      if (config.plmHidden !== H || config.plmLayers !== L) {
        throw new ConfigError(`KAdapterModel: expected adapter ${k} built for a PLM with hidden size ${H} and ${L} layers, got plmHidden ${config.plmHidden} and plmLayers ${config.plmLayers}`);
      }
    });
    if (fusion && (fusion.numAdapters !== adapters.length || fusion.hiddenSize !== H)) {
      throw new ConfigError(`KAdapterModel: expected a fusion of ${adapters.length} adapter(s) at hidden size ${H}, got ${fusion.numAdapters} at ${fusion.hiddenSize}`);
    }
    this.child("plm", plm);
    this.adapters = this.child("adapters", new ModuleList([...adapters]));
    if (fusion) this.child("fusion", fusion);
  }

  forward(input: EncoderInput, ctx: ForwardContext): KAdapterOutput {
    const out = this.plm.forward(input, ctx, { hiddenStates: this.adapters.items.length > 0 });
    return this.fromHiddenStates(out.hiddenStates ?? [out.lastHidden], input.attentionMask, ctx);
  }

  /** The part after the PLM: hiddenStates (B,T,H) each, [0] the embeddings and [i] layer i, from a forward
   *  that ran elsewhere (a mixed batch's shared one) -> adapter outputs and fused features. */
  fromHiddenStates(hiddenStates: readonly Tensor[], attentionMask: EncoderInput["attentionMask"], ctx: ForwardContext): KAdapterOutput {
    const plmLast = hiddenStates[hiddenStates.length - 1];
    const adapterOutputs = this.adapters.items.map((adapter) => adapter.forward(hiddenStates, attentionMask, ctx));
    return { plmLast, adapterOutputs, features: this.fusion ? this.fusion.forward(plmLast, adapterOutputs) : plmLast };
  }

  parameterGroups(): KAdapterParameterGroups {
    const all = this.namedParameters();
    const under = (prefix: string): [string, Tensor][] => all.filter(([name]) => name.startsWith(prefix));
    return { plm: under("plm."), adapters: under("adapters."), fusion: under("fusion.") };
  }
}
