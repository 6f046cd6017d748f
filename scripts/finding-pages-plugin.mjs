// esbuild plugin: inlines docs/findings/**.md into the bundle in place of src/findings/page-files.ts,
// which reads them from disk in the source tree. The pages land in their own lazily loaded chunk.
import { readdirSync, readFileSync } from 'node:fs';

const DIR = 'docs/findings';

export const findingPages = {
  name: 'finding-pages',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/]findings[\\/]page-files\.ts$/ }, () => {
      const pages = {};
      for (const folder of readdirSync(DIR, { withFileTypes: true })) {
        if (!folder.isDirectory()) continue;
        for (const file of readdirSync(`${DIR}/${folder.name}`)) {
          if (file.endsWith('.md')) pages[`${folder.name}/${file.slice(0, -3)}`] = readFileSync(`${DIR}/${folder.name}/${file}`, 'utf8');
        }
      }
      return {
        contents: `export const PAGES_DIR = undefined;\nexport async function pageFiles() { return ${JSON.stringify(pages)}; }\n`,
        loader: 'js',
        watchFiles: Object.keys(pages).map((key) => `${DIR}/${key}.md`),
      };
    });
  },
};
