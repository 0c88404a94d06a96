import { defineRandomSuite } from './randomSuite.js';

defineRandomSuite(1, 50);
