import packageJson from '../package.json';

export const TOOL = { name: 'lampi-doctor', version: packageJson.version } as const;
