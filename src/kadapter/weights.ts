// The reference's names for a knowledge adapter's parameters (microsoft/K-Adapter: AdapterModel.state_dict(),
// the keys of its pretrained fac-/lin-adapter pytorch_model.bin), so adapter files read like the reference's:
//   layers.<i>.downProject.{weight,bias}                 adapter.<i>.down_project.{weight,bias}   (d_a,d_plm) (d_a)
//   layers.<i>.encoder.layers.<j>.attn.query.weight      adapter.<i>.encoder.layer.<j>.attention.self.query.weight
//   ... every inner-layer tensor under its Hugging Face BertLayer name (see ../bert/weights.ts)
//   layers.<i>.upProject.{weight,bias}                   adapter.<i>.up_project.{weight,bias}     (d_plm,d_a) (d_plm)
import { FormatError } from "../errors.js";
import { hfName } from "../models/index.js";

const PROJECTIONS: Record<string, string> = { downProject: "down_project", upProject: "up_project" };

/** The reference name of a KnowledgeAdapter parameter (its path from namedParameters()). */
export function kadapterReferenceName(name: string): string {
  const projection = /^layers\.(\d+)\.(downProject|upProject)\.(weight|bias)$/.exec(name);
  if (projection) return `adapter.${projection[1]}.${PROJECTIONS[projection[2]]}.${projection[3]}`;
  const inner = /^layers\.(\d+)\.(encoder\.layers\..+)$/.exec(name);
  if (inner) return `adapter.${inner[1]}.${hfName(inner[2])}`;
  throw new FormatError(`kadapterReferenceName: unknown KnowledgeAdapter parameter "${name}"`);
}
