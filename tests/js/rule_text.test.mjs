// How a rule's document is named on the card and the rules page: its title and date, never a file name.
import test from 'node:test';
import assert from 'node:assert/strict';
import { loadPure } from './load.mjs';

const CG = loadPure();

test('document dates read as people write them', () => {
  assert.equal(CG.formatDocDate('2021-08-25'), '25 Aug 2021');
  assert.equal(CG.formatDocDate('2023-09-18'), '18 Sep 2023');
  assert.equal(CG.formatDocDate('2016-03'), 'Mar 2016');
  assert.equal(CG.formatDocDate('1964'), '1964');
  assert.equal(CG.formatDocDate(''), '');
  assert.equal(CG.formatDocDate(undefined), '');
  assert.equal(CG.formatDocDate('sometime'), 'sometime');
});

test('a document is its title and date', () => {
  assert.equal(CG.documentLabel('Establishment Division O.M.', '2021-08-25'), 'Establishment Division O.M., 25 Aug 2021');
  assert.equal(CG.documentLabel('Government Servants (Conduct) Rules, 1964', ''), 'Government Servants (Conduct) Rules, 1964');
});
