// Vitest set-up: a clean DOM, storage and URL before every test; findBy*
// and waitFor wait up to 5 s (the default 1 s is too short on a loaded
// machine, where the unit tests run beside the C++ suite).
import { cleanup, configure } from '@testing-library/react';
import { afterEach, beforeEach } from 'vitest';

configure({ asyncUtilTimeout: 5_000 });

beforeEach(() => {
  window.localStorage.clear();
  window.history.replaceState(null, '', '/');
  document.documentElement.lang = '';
});

afterEach(() => {
  cleanup();
});
