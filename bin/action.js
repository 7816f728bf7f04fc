#!/usr/bin/env node
// The GitHub Action's entry (action.yml): the committed bundle, so a run installs and builds nothing.
import { runAction } from '../bundle/keyhound.mjs';

process.exitCode = await runAction();
