import { defineRandomSuite } from './randomSuite.js';

defineRandomSuite(51, 50);
