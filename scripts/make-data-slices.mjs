// Cuts data/ (what the demo and the tests read, shipped in the repository) from the full real-data folder,
// keeping its layout so any command's --data takes either. Deterministic: every slice is a prefix, cut at a
// record boundary (a row, a sentence, an article), so re-running it writes the same bytes.
//   node scripts/make-data-slices.mjs [SOURCE=../shared/data] [TARGET=data]
// data/README.md lists each file with its source, licence and cut; this script is the cut.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const source = resolve(process.argv[2] ?? join(root, "../shared/data"));
const target = resolve(process.argv[3] ?? join(root, "data"));
if (!existsSync(join(source, "glue/SST-2/train.tsv"))) {
  console.error(`make-data-slices: expected the full data folder at ${source} (glue/, conll2003/, kadapter/, ud/, text/, vocab/), got none`);
  process.exit(1);
}

const read = (rel) => readFileSync(join(source, rel), "utf8");
function write(rel, text) {
  mkdirSync(dirname(join(target, rel)), { recursive: true });
  writeFileSync(join(target, rel), text);
}
function copy(rel) {
  mkdirSync(dirname(join(target, rel)), { recursive: true });
  copyFileSync(join(source, rel), join(target, rel));
}

/** The first n lines (after `header` lines kept as they are), each with its newline. */
function lines(rel, n, header = 0) {
  const all = read(rel).split(/(?<=\n)/);
  return all.slice(0, header + n).join("");
}

/** The first n blank-line-separated blocks (CoNLL sentences, CoNLL-U sentences, articles), with their separators. */
function blocks(text, n, isBlock = () => true) {
  const out = [];
  let count = 0;
  for (const block of text.split(/(?<=\n\n)/)) {
    if (count === n) break;
    out.push(block);
    if (isBlock(block)) count++;
  }
  return out.join("");
}

/** A CoNLL-U text cut into `parts` files of about the same number of sentences. */
function conlluParts(text, parts) {
  const sentences = text.split(/(?<=\n\n)/).filter((s) => s.trim());
  const per = Math.ceil(sentences.length / parts);
  return Array.from({ length: parts }, (_, k) => sentences.slice(k * per, (k + 1) * per).join(""));
}

for (const rel of ["vocab/bert-base-uncased/vocab.txt", "vocab/bert-base-cased/vocab.txt", "vocab/roberta/vocab.json", "vocab/roberta/merges.txt"]) copy(rel);
for (const f of ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "config.json"]) copy(`vocab/bert-tiny-hf/${f}`);
for (const f of ["bert_config.json", "bert_model.ckpt.index"]) copy(`checkpoints/google-bert-mini-L4-H256-index/${f}`);

write("glue/SST-2/train.tsv", lines("glue/SST-2/train.tsv", 10000, 1));
copy("glue/SST-2/dev.tsv");
write("glue/MRPC/train.tsv", lines("glue/MRPC/train.tsv", 600, 1));
copy("glue/MRPC/dev.tsv");
write("glue/CoLA/train.tsv", lines("glue/CoLA/train.tsv", 1000));
copy("glue/CoLA/dev.tsv");
write("glue/QNLI/dev.tsv", lines("glue/QNLI/dev.tsv", 600, 1));

const sentence = (block) => block.trim() !== "" && !block.startsWith("-DOCSTART-");
write("conll2003/train.txt", blocks(read("conll2003/train.txt"), 1000, sentence));
write("conll2003/valid.txt", blocks(read("conll2003/valid.txt"), 600, sentence));

const jsonPrefix = (rel, n) => write(rel, JSON.stringify(JSON.parse(read(rel)).slice(0, n)) + "\n");
jsonPrefix("kadapter/OpenEntity/train.json", 400);
// dev runs through record 1031, the only OpenEntity record whose text holds an '@' before the mention
// (an e-mail address), which the marker tests need.
jsonPrefix("kadapter/OpenEntity/dev.json", 1032);
jsonPrefix("kadapter/LitWD1Krel/dev.json", 500);
copy("kadapter/LitWD1Krel/relation_labels_en.txt");

const conllu = (block) => block.trim() !== "";
for (const [tb, prefix, trainName] of [["en-ewt", "en_ewt", "en_ewt-ud-train"], ["en-gum", "en_gum", "en_gum-ud-train-recon"]]) {
  copy(`ud/${tb}/LICENSE.txt`);
  copy(`ud/${tb}/PROVENANCE.txt`);
  write(`ud/${tb}/${prefix}-ud-dev.conllu`, blocks(read(`ud/${tb}/${prefix}-ud-dev.conllu`), 200, conllu));
  const firstPart = tb === "en-ewt" ? "part01-of-05" : "part01-of-06";
  const train = blocks(read(`ud/${tb}/${trainName}.${firstPart}.conllu`), 400, conllu);
  conlluParts(train, 2).forEach((text, k) => write(`ud/${tb}/${trainName}.part0${k + 1}-of-02.conllu`, text));
}

copy("text/wikipedia-en/PROVENANCE.txt");
write("text/wikipedia-en/enwiki-wikiextractor.part01.txt", blocks(read("text/wikipedia-en/enwiki-wikiextractor.part01.txt"), 40));
copy("text/gutenberg-en/PROVENANCE.txt");
copy("text/gutenberg-en/joyce_dubliners_pg2814.txt");
copy("text/wikitext2-test/PROVENANCE.txt");
write("text/wikitext2-test/wiki.test.raw", lines("text/wikitext2-test/wiki.test.raw", 800));
console.log(`make-data-slices: wrote ${target} from ${source}`);
